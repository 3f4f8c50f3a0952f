"""``python -m cs_workbook.cli``: the same as the ``cs-workbook`` command."""

import sys

from .app import main

sys.exit(main())
