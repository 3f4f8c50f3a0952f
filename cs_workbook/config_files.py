"""Configuration from files: TOML overrides, and the configuration in force for a workbook.

The one place that reads a configuration file (the engine's :mod:`cs_workbook.config` does no
I/O). Used by the CLI, headless calc and the Excel functions (``$CS_WORKBOOK_CONFIG``).
"""

from __future__ import annotations

from pathlib import Path

from .config import DEFAULT, Config, from_toml_text
from .errors import ConfigError

__all__ = ["load_toml", "workbook_config"]


def load_toml(path, base: Config | None = None) -> Config:
    """Read overrides from a TOML file (top-level keys, or tables whose keys are flattened).

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "c.toml")
    >>> _ = open(p, "w").write('colour_points = "dbt"\\n[goals]\\ngoal_engage_days = 10\\n')
    >>> cfg = load_toml(p)
    >>> cfg.points(), cfg.goal_engage_days
    ((25.0, 63.0, 88.0), 10)
    """
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    return from_toml_text(text, base=base, source=str(path))


def workbook_config(data_config: dict, toml=None, source=None) -> Config:
    """The configuration in force for a workbook: defaults, then its ``Config`` sheet rows
    ``data_config``, then the TOML file ``toml`` (if any). Errors name the workbook's sheet.
    """
    cfg = DEFAULT
    if data_config:
        try:
            cfg = Config.from_mapping(data_config)
        except ConfigError as exc:
            where = f"{source}: " if source else ""
            raise ConfigError(f"{where}sheet 'Config': {exc}") from None
    return load_toml(toml, base=cfg) if toml else cfg
