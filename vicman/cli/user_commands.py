"""PLACEHOLDER: being written (issue 4)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, TextIO

from vicman.services.context import ServiceContext

COMMANDS: dict[str, Callable[[ServiceContext, argparse.Namespace, TextIO], int]] = {}


def register(commands: Any, db_option: argparse.ArgumentParser, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add this module's sub-commands to `commands` (argparse sub-parsers)."""
