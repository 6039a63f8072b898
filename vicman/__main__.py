"""`vicman` and `python -m vicman`: the desktop app, or a command when one is given."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from vicman.cli.main import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
