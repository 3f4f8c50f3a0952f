"""Issue #11 item 1: the same workbook, as_of and options give the same PDF bytes in separate
processes whatever the clock, ``SOURCE_DATE_EPOCH`` and time zone, on both font-subsetting
paths (HarfBuzz, and the fontTools fallback used where libharfbuzz-subset is missing)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys

import pytest

pypdf = pytest.importorskip("pypdf")

SCRIPT = r"""
import sys, datetime as dt
subsetter, out = sys.argv[1], sys.argv[2]
import weasyprint.pdf.fonts as fonts
if subsetter == "fonttools":
    fonts.harfbuzz_subset = None          # what WeasyPrint tests before using HarfBuzz-Subset
used = []
for name in ("_harfbuzz_subset", "_fonttools_subset"):
    original = getattr(fonts.Font, name)
    def spy(self, *a, _original=original, _name=name, **k):
        used.append(_name)
        return _original(self, *a, **k)
    setattr(fonts.Font, name, spy)
from cs_workbook.reports.render import render_ebr
from cs_workbook.sample import sample_portfolio
as_of = dt.date(2026, 10, 1)
pdf = render_ebr(sample_portfolio(as_of), "ACC-007", as_of)
open(out, "wb").write(pdf)
print(",".join(sorted(set(used))))
"""

#: (name, extra environment, command prefix)
CLOCKS = [
    ("utc-no-epoch", {"TZ": "UTC"}, []),
    ("auckland-epoch", {"TZ": "Pacific/Auckland", "SOURCE_DATE_EPOCH": "1234567890"}, []),
]
if shutil.which("faketime"):
    CLOCKS.append(("faketime-2031-auckland", {"TZ": "Pacific/Auckland"},
                   ["faketime", "2031-02-03 04:05:06"]))


def _render(tmp_path, subsetter, name, env_extra, prefix):
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "TZ")}
    env.update(env_extra)
    out = tmp_path / f"{subsetter}-{name}.pdf"
    return out, subprocess.Popen([*prefix, sys.executable, "-c", SCRIPT, subsetter, str(out)],
                                 env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)


@pytest.mark.parametrize("subsetter", ["harfbuzz", "fonttools"])
def test_same_bytes_across_clocks_and_time_zones(tmp_path, subsetter):
    runs = [_render(tmp_path, subsetter, *clock) for clock in CLOCKS]
    outputs = []
    for out, proc in runs:
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr
        # the path under test is the one that ran
        assert stdout.strip() == f"_{subsetter}_subset", (stdout, stderr)
        outputs.append(out.read_bytes())
    assert len(outputs) == len(CLOCKS) >= 2
    for (name, _, _), body in zip(CLOCKS[1:], outputs[1:]):
        assert body == outputs[0], f"{subsetter}: {name} differs from {CLOCKS[0][0]}"


def test_fonttools_subsets_are_stamped_with_as_of(tmp_path):
    """fontTools' head.modified of every embedded subset is midnight UTC of as_of."""
    from fontTools.ttLib import TTFont

    out, proc = _render(tmp_path, "fonttools", "now", {"TZ": "UTC"}, [])
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    reader = pypdf.PdfReader(io.BytesIO(out.read_bytes()))
    stamps = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for desc in font.get("/DescendantFonts", [font]):
                descriptor = desc.get_object().get("/FontDescriptor")
                if descriptor is None or "/FontFile2" not in descriptor.get_object():
                    continue
                data = descriptor.get_object()["/FontFile2"].get_object().get_data()
                stamps.add(TTFont(io.BytesIO(data))["head"].modified)
    # 2026-10-01T00:00:00Z in seconds since 1904-01-01 (the OpenType epoch)
    assert stamps == {1790812800 + 2082844800}
