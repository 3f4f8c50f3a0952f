"""Excel date and time format codes (``y m d h s AM/PM A/P [h] [m] [s]``) applied to serials."""

from __future__ import annotations

import datetime as _dt
import re

from .format_codes import FormatError

__all__ = ["format_date", "is_date"]

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# -- dates and times --------------------------------------------------------------------------

def _date_parts(serial: float, places: int, date1904: bool = False):
    if serial < 0 or serial >= 2958466 - 1462 * date1904:
        raise FormatError("not a date")
    day = int(serial)
    secs = (serial - day) * 86400
    secs = round(secs, places)
    if secs >= 86400:
        day, secs = day + 1, secs - 86400
    if date1904:
        date = _dt.date(1904, 1, 1) + _dt.timedelta(days=day)
        y, m, d, wd = date.year, date.month, date.day, date.weekday()
    elif day == 60:
        y, m, d, wd = 1900, 2, 29, 2
    elif day == 0:
        y, m, d, wd = 1900, 1, 0, 5
    else:
        date = _dt.date(1899, 12, 31) + _dt.timedelta(days=day - (day > 60))
        y, m, d, wd = date.year, date.month, date.day, date.weekday()
    return y, m, d, wd, secs


def format_date(x: float, toks, date1904: bool = False) -> str:
    toks = [t for t in toks if not (t[0] == "br" and not re.match(r"^\[(h+|m+|s+)\]$", t[1],
                                                                   re.I))]
    places = 0
    for i, (k, t) in enumerate(toks):
        if k == "." and i + 1 < len(toks) and toks[i + 1][0] == "0":
            places = sum(1 for kk, _ in toks[i + 1:i + 4] if kk == "0")
    y, mo, d, wd, secs = _date_parts(x, places, date1904)
    ampm = any(k == "ampm" for k, _ in toks)
    whole = int(secs)
    hour, minute, sec = whole // 3600, whole // 60 % 60, whole % 60
    total = int(x) * 86400 + secs
    out = []
    for i, (k, t) in enumerate(toks):
        if k == "date":
            c = t[0]
            if c == "m":  # minutes after hours or before seconds
                prev = next((tt for kk, tt in reversed(toks[:i]) if kk in ("date", "br")), "")
                nxt = next((tt for kk, tt in toks[i + 1:] if kk in ("date", "br")), "")
                if (prev.lstrip("[")[:1] == "h" or nxt.lstrip("[")[:1] == "s") and len(t) <= 2:
                    out.append(str(minute).zfill(len(t)))
                    continue
                out.append(str(mo).zfill(len(t)) if len(t) <= 2 else
                           _MONTHS[mo - 1][:3] if len(t) == 3 else
                           _MONTHS[mo - 1] if len(t) == 4 else _MONTHS[mo - 1][0])
            elif c == "y":
                out.append(f"{y % 100:02d}" if len(t) <= 2 else str(y))
            elif c == "d":
                out.append(str(d).zfill(len(t)) if len(t) <= 2 else
                           _DAYS[wd][:3] if len(t) == 3 else _DAYS[wd])
            elif c == "h":
                h = hour % 12 or 12 if ampm else hour
                out.append(str(h).zfill(min(len(t), 2)))
            elif c == "s":
                out.append(str(sec).zfill(min(len(t), 2)))
        elif k == "br":
            unit = t[1:-1].lower()
            value = {"h": total // 3600, "m": total // 60, "s": total}[unit[0]]
            out.append(str(int(value)).zfill(len(unit)))
        elif k == "ampm":
            pm = hour >= 12
            if t.upper() == "AM/PM":
                out.append("PM" if pm else "AM")
            else:
                a, p = t.split("/")
                out.append(p if pm else a)
        elif k == "." and places and i + 1 < len(toks) and toks[i + 1][0] == "0":
            frac = f"{secs - whole:.{places}f}"[1:]
            out.append(frac)
        elif k == "0" and places:
            continue
        elif k == "@":
            continue
        else:
            out.append(t)
    return "".join(out)



def is_date(toks) -> bool:
    """Does a tokenised section format a date or time?"""
    return any(k in ("date", "ampm") or (k == "br" and re.match(r"^\[(h+|m+|s+)\]$", t, re.I))
               for k, t in toks)
