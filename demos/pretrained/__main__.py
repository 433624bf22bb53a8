"""``python -m demos.pretrained build``: train and ship every demo page's default model.

Example:
    .venv/bin/python -m demos.pretrained build      # about 20 min on 2 cores
    .venv/bin/python -m demos.pretrained list       # what is shipped, and whether it checks out
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m demos.pretrained",
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("command", choices=("build", "list"))
    args = parser.parse_args(argv)
    from kb.errors import KbError

    try:
        if args.command == "build":
            from demos.pretrained.build import build

            build()
        else:
            list_shipped()
    except KbError as exc:
        print(exc.render(), file=sys.stderr)
        return 1
    return 0


def list_shipped() -> None:
    from demos.pretrained import SHIPPED_DIR, shipped_checkpoint
    from demos.pretrained.build import page_configs

    for config in page_configs():
        found = shipped_checkpoint(config)
        state = "ok" if found else "missing or not matching: the page trains it"
        print(f"{config.method:14} {config.dataset:11} {config.steps:>5} steps  {state}")
    print(f"in {SHIPPED_DIR}")


if __name__ == "__main__":
    sys.exit(main())
