"""Draw a timeline as a PNG (matplotlib, headless). Pure: events in, bytes out.

Dates are drawn at their real precision: a day is a dot, a month, quarter or year is a bar
spanning the days it covers, so "2020-09" never looks like 1 September.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from datetime import date, timedelta

from .models import TimelineEvent

MAX_EVENTS = 40


def _day(value: str) -> date:
    return date.fromisoformat(value[:10])


def render_timeline_png(events: Sequence[TimelineEvent], title: str = "Timeline") -> bytes:
    """A PNG of ``events`` (chronological, top to bottom), at most ``MAX_EVENTS`` of them."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    shown = list(events)[:MAX_EVENTS]
    height = 1.2 + 0.55 * max(len(shown), 1)
    fig, ax = plt.subplots(figsize=(11, height), dpi=100)
    try:
        if not shown:
            ax.text(0.5, 0.5, "No dated events", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
        else:
            starts = [_day(e.date_start) for e in shown]
            ends = [_day(e.date_end) for e in shown]
            horizon = max(ends)
            for row, (event, start, end) in enumerate(zip(shown, starts, ends)):
                y = len(shown) - 1 - row
                if event.modifier in ("SINCE", "AFTER"):  # open-ended: a faded bar to the right edge
                    ax.barh(y, (horizon - start).days + 1, left=start, height=0.45, color="#2980b9",
                            alpha=0.25, zorder=2)
                    ax.annotate("", xy=(horizon, y), xytext=(start, y), zorder=3,
                                arrowprops={"arrowstyle": "->", "color": "#2980b9"})
                elif event.precision == "day" or start == end:
                    ax.plot([start], [y], marker="o", color="#c0392b", markersize=7, zorder=3)
                else:
                    ax.barh(y, (end - start).days + 1, left=start, height=0.45, color="#2980b9",
                            alpha=0.75, zorder=2)
                n = len(event.sources)
                suffix = f"  ({n} sources)" if n > 1 else ""
                label = f"{event.label or event.date}  " + textwrap.shorten(
                    event.line, 78 - len(suffix) - len(event.label or event.date), placeholder="…") + suffix
                ax.text(1.01, y, label, transform=ax.get_yaxis_transform(), va="center", fontsize=8.5)
            low, high = min(starts), max(ends)
            pad = max(timedelta(days=30), (high - low) * 0.05)
            ax.set_xlim(low - pad, high + pad)
            ax.set_ylim(-0.8, len(shown) - 0.2)
            ax.set_yticks([])
            ax.xaxis.set_major_locator(mdates.AutoDateLocator())
            ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
            ax.grid(axis="x", alpha=0.3)
            for side in ("top", "right", "left"):
                ax.spines[side].set_visible(False)
        suffix = f" (first {MAX_EVENTS} of {len(events)})" if len(events) > MAX_EVENTS else ""
        ax.set_title(textwrap.shorten(title, 90, placeholder="…") + suffix, loc="left", fontsize=11)
        fig.subplots_adjust(left=0.03, right=0.45, top=1 - 0.6 / height, bottom=0.5 / height)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        plt.close(fig)
