"""The spellings under which Excel files carry our functions."""

from __future__ import annotations

__all__ = ["excel_names"]


def excel_names(name: str) -> tuple[str, ...]:
    """Every spelling under which Excel files carry the function ``name`` (``CS_X``).

    >>> excel_names("CS_DAYS")
    ('CS_DAYS', 'CS.DAYS', '_XLDUDF_CS_DAYS', '_XLDUDF_CS.DAYS')
    """
    base = name.upper()
    rest = base[3:] if base.startswith("CS_") else base
    return (base, f"CS.{rest}", f"_XLDUDF_{base}", f"_XLDUDF_CS.{rest}")
