"""`python -m contract_tests --base-url URL [--junit-xml FILE] [--prefix NAME[:A|B]] ...`

Options this command does not know are handed to pytest (`-k flows`, `-x`, `-n 2`, ...).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

from contract_tests.settings import (
    BASE_URL_ENV,
    CAJA_OPTIONS,
    DEFAULT_PREFIXES,
    HELPDESK_OPTIONS,
    OPTIONS,
)

PACKAGE_DIR = Path(__file__).resolve().parent


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m contract_tests",
        description="Run the eCollect SOAP contract suite against an eCollect-compatible host.",
        epilog="Unknown options are passed to pytest.",
    )
    parser.add_argument(
        "--base-url",
        help=f"host to test, e.g. http://127.0.0.1:8000 (default: ${BASE_URL_ENV}, "
        "else a throw-away local gateway)",
    )
    parser.add_argument("--junit-xml", metavar="FILE", help="write a JUnit XML report to FILE")
    parser.add_argument(
        "--prefix",
        action="append",
        metavar="NAME[:A|B]",
        help="path prefix to test, with its v3 schema unless well known "
        f"(repeatable; default: {' '.join(DEFAULT_PREFIXES)})",
    )
    for _option, dest, flag, default, help_text in (*OPTIONS, *HELPDESK_OPTIONS, *CAJA_OPTIONS):
        shown = f" (default {default})" if default is not None else ""
        parser.add_argument(flag, dest=dest, default=default, help=f"{help_text}{shown}")
    return parser


def pytest_args(argv: list[str]) -> list[str]:
    namespace, passthrough = build_parser().parse_known_args(argv)
    args = [str(PACKAGE_DIR), "-p", "no:cacheprovider"]
    if namespace.base_url:
        args.append(f"--contract-base-url={namespace.base_url}")
    if namespace.junit_xml:
        args.append(f"--junit-xml={namespace.junit_xml}")
    for prefix in namespace.prefix or []:
        args.append(f"--contract-prefix={prefix}")
    for option, dest, _flag, _default, _help in (*OPTIONS, *HELPDESK_OPTIONS, *CAJA_OPTIONS):
        if getattr(namespace, dest) is not None:
            args.append(f"{option}={getattr(namespace, dest)}")
    return args + passthrough


def main(argv: list[str] | None = None) -> int:
    return int(pytest.main(pytest_args(sys.argv[1:] if argv is None else argv)))


if __name__ == "__main__":
    sys.exit(main())
