"""Hand-written SVG charts for the EBR, drawn from already-computed, already-formatted numbers.

Each function takes plain values (fractions, counts, colour names, label strings) and returns
the SVG as :class:`markupsafe.Markup`, or ``None`` when there is nothing to draw (the template
then says which data is missing). Every piece of text is XML-escaped here, so user text can
never become markup; numbers only position shapes.
"""

from __future__ import annotations

import base64
import math
from html import escape

from markupsafe import Markup

__all__ = [
    "COLOURS",
    "bar_chart",
    "component_bars",
    "image_src",
    "line_chart",
    "ttv_timeline",
    "use_case_tiles",
]

FONT = "EbrSans, EbrFallback, EbrSymbols"
INK, MUTED, GRID = "#1f2933", "#616e7c", "#d9dee4"
COLOURS = {"Green": "#2e7d32", "Yellow": "#e0a100", "Red": "#c62828", None: "#9aa5b1"}
TINTS = {"Green": "#e8f3e9", "Yellow": "#fdf4dc", "Red": "#fbe9e9", None: "#f0f2f4"}


def _t(value) -> str:
    return escape(str(value), quote=True)


def _n(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _text(x, y, content, *, size=11, anchor="start", fill=INK, weight="normal", extra=""):
    return (f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="{fill}" font-weight="{weight}" font-family="{FONT}"{extra}>'
            f"{_t(content)}</text>")


def _svg(width, height, body, label) -> Markup:
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
                  f'viewBox="0 0 {width} {height}" role="img" aria-label="{_t(label)}">'
                  + "".join(body) + "</svg>")


def image_src(svg) -> str | None:
    """A chart as a ``data:image/svg+xml`` URI for ``<img src>`` (``None`` stays ``None``).

    Embedding charts as images rather than inline ``<svg>`` keeps their hundreds of shapes
    out of the HTML parser and the CSS cascade: WeasyPrint parses an SVG image with its XML
    parser and draws it directly, which halves the layout time of an EBR.
    """
    if svg is None:
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(str(svg).encode("utf-8")).decode()


def _nice_max(value: float, step: float) -> float:
    return max(step, math.ceil(value / step - 1e-9) * step)


def _step(top: float) -> float:
    """A 1/2/5 × 10^k grid step giving about four to eight grid lines up to ``top``."""
    k = 10 ** math.floor(math.log10(max(top, 1e-9) / 4))
    return next(m * k for m in (1, 2, 5, 10) if top / (m * k) <= 8)


def _axis_number(v: float) -> str:
    for div, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(v) >= div:
            return f"{v / div:g}{suffix}"
    return f"{v:g}"


def _safe_colour(colour: str) -> str:
    ok = (isinstance(colour, str) and colour.startswith("#") and len(colour) in (4, 7)
          and all(c in "0123456789abcdefABCDEF" for c in colour[1:]))
    return colour if ok else "#1d3f6e"


def line_chart(labels, values, value_labels, *, references=(), colour="#1d3f6e",
               y_labels=None, width=640, height=250, label="chart"):
    """A line of ``values`` (fractions; ``None`` leaves a gap) over ``labels``.

    ``value_labels`` are the formatted values (the last present one is printed at its point);
    ``references`` are ``(fraction, text)`` dashed horizontal lines, e.g. the 10 % first-value
    and 80 % adoption lines. The y axis runs from 0 to at least 100 %.
    """
    present = [v for v in values if v is not None]
    if not present:
        return None
    colour = _safe_colour(colour)
    left, right, top, bottom = 46, 120, 14, 30
    pw, ph = width - left - right, height - top - bottom
    y_max = _nice_max(max(present + [1.0]), 0.2)
    n = len(values)
    step = pw / max(n - 1, 1)

    def x(i):
        return left + (i * step if n > 1 else pw / 2)

    def y(v):
        return top + ph * (1 - v / y_max)

    body = []
    ticks = round(y_max / 0.2)
    for k in range(ticks + 1):
        v = k * 0.2
        body.append(f'<line x1="{left}" x2="{left + pw}" y1="{_n(y(v))}" y2="{_n(y(v))}" '
                    f'stroke="{GRID}" stroke-width="0.7"/>')
        if k % 2 == 0:
            text = y_labels[k] if y_labels and k < len(y_labels) else f"{round(v * 100)} %"
            body.append(_text(left - 6, y(v) + 4, text, size=10, anchor="end", fill=MUTED))
    every = 1 if n <= 13 else 2
    for i, lab in enumerate(labels):
        if i % every == 0 or i == n - 1:
            body.append(_text(x(i), height - 10, lab, size=10, anchor="middle", fill=MUTED))
    for frac, text in references:
        body.append(f'<line x1="{left}" x2="{left + pw}" y1="{_n(y(frac))}" y2="{_n(y(frac))}" '
                    f'stroke="{MUTED}" stroke-width="1" stroke-dasharray="5 4"/>')
        body.append(_text(left + pw + 6, y(frac) + 4, text, size=10, fill=MUTED))
    segments, current = [], []
    for i, v in enumerate(values):
        if v is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(f"{_n(x(i))},{_n(y(v))}")
    if current:
        segments.append(current)
    for seg in segments:
        if len(seg) > 1:
            body.append(f'<polyline points="{" ".join(seg)}" fill="none" stroke="{colour}" '
                        f'stroke-width="2.5" stroke-linejoin="round"/>')
    for i, v in enumerate(values):
        if v is not None:
            body.append(f'<circle cx="{_n(x(i))}" cy="{_n(y(v))}" r="3.2" fill="{colour}"/>')
    last = max(i for i, v in enumerate(values) if v is not None)
    body.append(_text(x(last), y(values[last]) - 9, value_labels[last], size=11,
                      anchor="end" if last == n - 1 and n > 1 else "middle", weight="bold",
                      fill=colour))
    return _svg(width, height, body, label)


def bar_chart(labels, values, value_labels, colours, *, references=(), fill=None, width=640,
              height=230, axis=False, label="chart"):
    """Vertical bars of ``values`` (``None`` = no data that month), each filled with its
    Red/Yellow/Green ``colours`` (or ``fill`` for all); ``references`` are ``(value, text)``
    dashed lines."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    left, right, top, bottom = (40 if axis else 8), (96 if references else 8), 16, 30
    pw, ph = width - left - right, height - top - bottom
    top_value = max(present + [ref for ref, _ in references] + [1])
    step_size = _step(top_value)
    y_max = _nice_max(top_value * 1.08, step_size)

    def y(v):
        return top + ph * (1 - v / y_max)

    body = [(f'<line x1="{left}" x2="{left + pw}" y1="{_n(y(0))}" y2="{_n(y(0))}" '
             f'stroke="{MUTED}" stroke-width="0.8"/>')]
    # every bar carries its value, so the grid is optional (each label costs layout time)
    for k in range(1, int(y_max / step_size) + 1) if axis else ():
        v = k * step_size
        body.append(f'<line x1="{left}" x2="{left + pw}" y1="{_n(y(v))}" y2="{_n(y(v))}" '
                    f'stroke="{GRID}" stroke-width="0.7"/>')
        body.append(_text(left - 6, y(v) + 4, _axis_number(v), size=10, anchor="end",
                          fill=MUTED))
    n = len(values)
    slot = pw / max(n, 1)
    bar = min(slot * 0.62, 38)
    for i, (v, lab) in enumerate(zip(values, labels)):
        cx = left + slot * (i + 0.5)
        body.append(_text(cx, height - 10, lab, size=10, anchor="middle", fill=MUTED))
        if v is None:
            continue
        h = max(ph * v / y_max, 0.8)
        colour = _safe_colour(fill) if fill else COLOURS.get(colours[i], COLOURS[None])
        body.append(f'<rect x="{_n(cx - bar / 2)}" y="{_n(y(v) if v else top + ph - h)}" '
                    f'width="{_n(bar)}" height="{_n(h)}" rx="2" fill="{colour}"/>')
        body.append(_text(cx, y(v) - 4, value_labels[i], size=10, anchor="middle"))
    for ref, text in references:
        body.append(f'<line x1="{left}" x2="{left + pw}" y1="{_n(y(ref))}" y2="{_n(y(ref))}" '
                    f'stroke="{MUTED}" stroke-width="1" stroke-dasharray="5 4"/>')
        body.append(_text(left + pw + 6, y(ref) + 4, text, size=10, fill=MUTED))
    return _svg(width, height, body, label)


def use_case_tiles(tiles, *, width=960, height=118, label="Use-case adoption"):
    """One tile per use case: ``{"name", "colour" (Red/Yellow/Green/None), "status", "lines"}``
    where ``lines`` are up to three formatted metric strings."""
    if not tiles:
        return None
    gap = 14
    tw = (width - gap * (len(tiles) - 1)) / len(tiles)
    body = []
    for i, tile in enumerate(tiles):
        x0 = i * (tw + gap)
        colour = tile["colour"] if tile["colour"] in COLOURS else None
        body.append(f'<rect x="{_n(x0)}" y="0" width="{_n(tw)}" height="{height}" rx="6" '
                    f'fill="{TINTS[colour]}"/>')
        body.append(f'<rect x="{_n(x0)}" y="0" width="7" height="{height}" rx="3" '
                    f'fill="{COLOURS[colour]}"/>')
        body.append(_text(x0 + 20, 26, tile["name"], size=15, weight="bold"))
        body.append(f'<circle cx="{_n(x0 + tw - 22)}" cy="21" r="8" fill="{COLOURS[colour]}"/>')
        body.append(_text(x0 + tw - 36, 26, tile["status"], size=12, anchor="end",
                          fill=COLOURS[colour], weight="bold"))
        for k, line in enumerate(tile["lines"][:3]):
            body.append(_text(x0 + 20, 52 + k * 20, line, size=11, fill=INK))
    return _svg(width, height, body, label)


def ttv_timeline(rows, *, axis_max, axis_labels, width=960, label="Time to value"):
    """Gantt-style rows ``{"name", "days" (float|None), "goal" (float|None), "status",
    "colour", "value", "note"}``: a bar from the start to the achieved (or elapsed) day, a
    goal marker, and the formatted value. Bars beyond ``axis_max`` end in a break mark."""
    if not rows:
        return None
    left, right, top, row_h = 140, 210, 26, 36
    pw = width - left - right
    height = top + row_h * len(rows) + 8

    def x(d):
        return left + pw * min(max(d, 0), axis_max) / axis_max

    body = []
    for frac, text in axis_labels:
        xx = left + pw * frac
        body.append(f'<line x1="{_n(xx)}" x2="{_n(xx)}" y1="{top - 6}" y2="{height - 6}" '
                    f'stroke="{GRID}" stroke-width="0.7"/>')
        body.append(_text(xx, top - 10, text, size=10, anchor="middle", fill=MUTED))
    for i, row in enumerate(rows):
        cy = top + row_h * i + row_h / 2
        fill = COLOURS.get(row["colour"], COLOURS[None])
        body.append(_text(left - 10, cy + 4, row["name"], size=11, anchor="end", weight="bold"))
        if row["days"] is not None:
            end = x(row["days"])
            dashed = ' stroke-dasharray="4 3" fill-opacity="0.35"' if row["open"] else ""
            body.append(f'<rect x="{left}" y="{_n(cy - 8)}" width="{_n(max(end - left, 2))}" '
                        f'height="16" rx="3" fill="{fill}" stroke="{fill}"{dashed}/>')
            if row["days"] > axis_max:
                body.append(f'<path d="M{_n(end - 9)} {_n(cy - 10)} l5 20 M{_n(end - 4)} '
                            f'{_n(cy - 10)} l5 20" stroke="#ffffff" stroke-width="2.5"/>')
        if row["goal"] is not None:
            gx = x(row["goal"])
            body.append(f'<line x1="{_n(gx)}" x2="{_n(gx)}" y1="{_n(cy - 13)}" '
                        f'y2="{_n(cy + 13)}" stroke="{INK}" stroke-width="2"/>')
            body.append(f'<path d="M{_n(gx - 5)} {_n(cy - 15)} h10 l-5 6 z" fill="{INK}"/>')
        body.append(_text(left + pw + 12, cy - 1, row["value"], size=11, weight="bold",
                          fill=fill))
        body.append(_text(left + pw + 12, cy + 12, row["note"], size=9, fill=MUTED))
    return _svg(width, height, body, label)


def component_bars(rows, *, bands=(50, 75), width=960, label="Health by component"):
    """Horizontal 0–100 bars, one per PROVE component: ``{"name", "points" (float|None),
    "colour", "value", "note"}``; ``bands`` are the Red/Yellow and Yellow/Green boundaries,
    drawn as faint vertical lines."""
    if not rows:
        return None
    left, right, top, row_h = 210, 150, 20, 24
    pw = width - left - right
    height = top + row_h * len(rows) + 4

    def x(v):
        return left + pw * min(max(v, 0), 100) / 100

    body = []
    for v in (0, *bands, 100):
        body.append(f'<line x1="{_n(x(v))}" x2="{_n(x(v))}" y1="{top - 4}" y2="{height - 2}" '
                    f'stroke="{GRID}" stroke-width="0.8"/>')
        body.append(_text(x(v), top - 8, f"{v:g}", size=9, anchor="middle", fill=MUTED))
    for i, row in enumerate(rows):
        cy = top + row_h * i + row_h / 2
        colour = row["colour"] if row["colour"] in COLOURS else None
        body.append(_text(left - 10, cy + 4, row["name"], size=11, anchor="end"))
        body.append(f'<rect x="{left}" y="{_n(cy - 7)}" width="{_n(pw)}" height="14" rx="3" '
                    f'fill="#f0f2f4"/>')
        if row["points"] is not None:
            body.append(f'<rect x="{left}" y="{_n(cy - 7)}" width="{_n(x(row["points"]) - left)}" '
                        f'height="14" rx="3" fill="{COLOURS[colour]}"/>')
        body.append(_text(left + pw + 10, cy + 4, row["value"], size=11, weight="bold",
                          fill=COLOURS[colour]))
        body.append(_text(left + pw + 44, cy + 4, row["note"], size=9, fill=MUTED))
    return _svg(width, height, body, label)
