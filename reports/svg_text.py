"""One Pango layout per SVG ``<text>`` instead of one per letter (WeasyPrint 70's SVG renderer).

WeasyPrint 70 draws every SVG ``<text>`` letter by letter: a Pango layout, a text object and a
glyph run for each character, so that per-letter ``x``/``dx``/``rotate`` lists can be honoured.
The EBR's charts carry about 130 plain labels (one ``x``, one ``y``, a ``text-anchor``); laid
out letter by letter they took about 40 % of the CPU time of a whole deck (measured with
``bench/ebr.py --profile``). :func:`install` replaces the ``text`` drawer of
``weasyprint.svg`` with :func:`text`, which lays such a label out once, as a single run
(with the font's kerning, as HTML text gets), and hands every other ``<text>`` (position lists,
``rotate``, ``letter-spacing``, ``textLength``) to WeasyPrint's own drawer unchanged. Text
anchoring, bounding boxes, fills and emoji stay WeasyPrint's: only the per-letter loop goes.

It is installed only on the WeasyPrint version it was written against (pinned in
``pyproject.toml``); on any other version WeasyPrint's drawer stays and the charts are merely
slower. Imports WeasyPrint: only :mod:`.render` uses it.
"""

from __future__ import annotations

from math import inf

__all__ = ["SUPPORTED_VERSION", "install", "installed", "text"]

#: the WeasyPrint release whose ``weasyprint/svg/text.py`` this module mirrors
SUPPORTED_VERSION = "70.0"

_ORIGINAL = None


def _single(node, name) -> bool:
    value = node.attrib.get(name)
    return value is None or len(value.replace(",", " ").split()) <= 1


def _simple(node) -> bool:
    """A label WeasyPrint would position letter by letter for nothing."""
    return (bool(node.text) and all(_single(node, a) for a in ("x", "y", "dx", "dy"))
            and "rotate" not in node.attrib and node.get("letter-spacing") in (None, "", "0")
            and not node.get("textLength") and not node.get("display-anchor"))


def _style(svg, node, font_size):
    """The dummy style WeasyPrint 70 builds for an SVG text node (``svg/text.py``)."""
    from weasyprint.css.properties import INITIAL_VALUES
    from weasyprint.svg.text import Style

    style = Style()
    style.update(INITIAL_VALUES)
    style.font_config = svg.font_config
    style["font_family"] = [font.strip("\"'")
                            for font in node.get("font-family", "sans-serif").split(",")]
    style["font_style"] = node.get("font-style", "normal")
    style["font_size"] = font_size
    if node.get("direction") in ("ltr", "rtl"):
        style["direction"] = node.get("direction")
    weight = node.get("font-weight", 400)
    if weight == "normal":
        weight = 400
    elif weight == "bold":
        weight = 700
    else:
        try:
            weight = int(weight)
        except ValueError:
            weight = 400
    style["font_weight"] = weight
    return style


def _y_align(node, height, font_size) -> float:
    ascent, descent = font_size * .8, font_size * .2  # WeasyPrint's own approximation
    baseline = node.get("dominant-baseline", node.get("alignment-baseline"))
    if baseline in ("central", "middle"):
        return (ascent + descent) / 2 - descent
    if baseline in ("text-before-edge", "before_edge", "top", "hanging", "text-top"):
        return ascent
    if baseline in ("text-after-edge", "after_edge", "bottom", "text-bottom"):
        return -descent
    return 0


def text(svg, node, font_size):
    """Draw an SVG text node: plain labels as one run, anything else by WeasyPrint."""
    if not _simple(node):
        return _ORIGINAL(svg, node, font_size)
    from weasyprint.draw.text import draw_emojis, draw_first_line
    from weasyprint.matrix import Matrix
    from weasyprint.svg.bounding_box import extend_bounding_box
    from weasyprint.svg.text import TextBox
    from weasyprint.svg.utils import normalize, size
    from weasyprint.text.line_break import split_first_line

    style = _style(svg, node, font_size)
    layout, _, _, width, height, baseline = split_first_line(
        node.text, style, svg.context, inf, 0)

    def first(name, reference):
        value = normalize(node.attrib.get(name, "")).strip()
        return size(value, font_size, reference) if value else None

    x, y = first("x", svg.inner_width), first("y", svg.inner_height)
    dx, dy = first("dx", svg.inner_width), first("dy", svg.inner_height)
    if x:  # WeasyPrint resets the pending shift on a truthy position, so do we
        svg.cursor_d_position[0] = 0
    if y:
        svg.cursor_d_position[1] = 0
    svg.cursor_d_position[0] += dx or 0
    svg.cursor_d_position[1] += dy or 0
    x = svg.cursor_position[0] if x is None else x
    y = svg.cursor_position[1] if y is None else y
    svg.cursor_position = x + width, y
    x_position = x + svg.cursor_d_position[0]
    y_position = y + svg.cursor_d_position[1] + _y_align(node, height, font_size)
    node.text_bounding_box = extend_bounding_box(node.text_bounding_box, (
        (x_position, y_position - baseline),
        (x_position + width, y_position - baseline + height)))

    svg.stream.push_state()
    fill, stroke = svg.set_graphical_state(node, font_size)
    svg.stream.begin_text()
    layout.reactivate(style)
    svg.fill_stroke(fill, stroke, text=True)
    text_box = TextBox(layout, style)
    text_box.baseline = baseline
    emojis = draw_first_line(svg.stream, text_box, "none", "none",
                             Matrix(a=1, d=-1, e=x_position, f=y_position))
    svg.stream.end_text()
    svg.stream.pop_state()
    draw_emojis(svg.stream, style, x, y, emojis)
    return None


def installed() -> bool:
    """Whether :func:`text` draws WeasyPrint's SVG text in this process."""
    import weasyprint.svg as wsvg

    return wsvg.TAGS.get("text") is text


def install() -> bool:
    """Replace WeasyPrint's SVG text drawer with :func:`text` (idempotent).

    Returns whether it is installed: ``False`` on a WeasyPrint other than
    :data:`SUPPORTED_VERSION`, whose internals this module does not know.
    """
    global _ORIGINAL
    import weasyprint
    import weasyprint.svg as wsvg

    if installed():
        return True
    if weasyprint.__version__ != SUPPORTED_VERSION:
        return False
    drawer = wsvg.TAGS["text"]
    _ORIGINAL = drawer
    # svg/__init__.py compares TAGS[tag] with its global ``text`` to find text nodes
    # (text-anchor groups, bounding boxes), so both names must point at the new drawer
    for tag, fn in list(wsvg.TAGS.items()):
        if fn is drawer:
            wsvg.TAGS[tag] = text
    wsvg.text = text
    return True
