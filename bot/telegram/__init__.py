"""The Telegram edge: updates in, rendered HTML out. ``build_application`` wires it all."""

from .app import build_application, run, serve

__all__ = ["build_application", "run", "serve"]
