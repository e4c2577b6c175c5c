"""The bot as a process of its own, against the Bot API emulator (for the kill -9 tests).

    python tests/e2e/botprocess.py      # settings from the environment, like ``python -m bot``

It is ``python -m bot`` — the same settings, logging, application and run loop — except that its
Bot API client normalises the emulator's answers (:class:`emulator.EmulatorRequest`).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1])]  # emulator.py, and the project


def main() -> int:
    from emulator import EmulatorRequest

    from bot.__main__ import configure_logging
    from bot.config import Settings
    from bot.telegram.app import build_application, run

    settings = Settings.load(env_file=None)
    configure_logging(settings)
    run(build_application(settings, request_class=EmulatorRequest), settings, poll_interval=0.01)
    return 0


if __name__ == "__main__":
    sys.exit(main())
