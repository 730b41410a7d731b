"""Errors that reach the command line, with their exit codes.

    SmartCommerceError          exit 1: the run failed
    ├── UserInputError          exit 2: bad usage or input (missing file, bad CSV, unknown commune…)
    └── ScanFailed              exit 1: the scan could not complete (store unreachable…)

A finished scan where fewer than half of the shops could be measured exits with
EXIT_LOW_COVERAGE (3): the reports are written, but their figures rest on few shops.

Anything else is a bug: the CLI prints one line and the traceback only with ``--debug``.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_LOW_COVERAGE = 3


class SmartCommerceError(Exception):
    exit_code = EXIT_FAILED


class UserInputError(SmartCommerceError):
    exit_code = EXIT_USAGE


class ScanFailed(SmartCommerceError):
    exit_code = EXIT_FAILED
