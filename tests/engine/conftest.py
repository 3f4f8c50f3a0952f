"""Fixtures of the engine tests."""

from __future__ import annotations

import pytest
from import_runtime import loaded_after_import


@pytest.fixture(scope="session")
def startup_modules(tmp_path_factory) -> frozenset[str]:
    """``sys.modules`` of a bare interpreter (site hooks …), for the import-contract checks."""
    loaded, failed = loaded_after_import([], tmp_path_factory.mktemp("startup"))
    return loaded
