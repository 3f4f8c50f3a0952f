"""The ``cs-workbook`` command line: one sub-command module per face, one error handler.

:mod:`.app` builds the parser and maps every :class:`~cs_workbook.errors.CSError` and
:class:`OSError` to one line on stderr and exit code 2; :mod:`.portfolio` holds ``demo``,
``new`` and ``score``, :mod:`.calc` ``calc``, :mod:`.ebr` ``ebr``, :mod:`.excel` ``functions``
and ``serve``. The CLI may import every layer of ours; nothing of ours imports the CLI.
Sub-command modules import their adapters only when the command runs, so ``--help`` is fast
and works whatever the environment holds.
"""

__all__ = ["main", "build_parser"]


# Imported on call, not at import, so ``python -m cs_workbook.cli.ebr`` finds its module unloaded.
def main(argv=None) -> int:
    """Run the ``cs-workbook`` command line with ``argv`` (default: ``sys.argv[1:]``)."""
    from .app import main as run_main

    return run_main(argv)


def build_parser():
    """The ``cs-workbook`` argument parser with every sub-command."""
    from .app import build_parser as build

    return build()
