"""`vicman` and `python -m vicman`: the desktop app, or a command when one is given."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from vicman.cli.main import main as cli_main

    try:
        return cli_main(argv)
    except BrokenPipeError:
        # The reader went away (`vicman obligations --json | head`): not an error worth a traceback.
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
