"""Shared fixtures: a real SQLite archive in a temp dir, the seed articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.briefings import Briefings
from storage import Archive

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "briefing.db"


@pytest.fixture
def archive(db_path: Path):
    archive = Archive(db_path)
    yield archive
    archive.close()


@pytest.fixture
def briefings(archive: Archive) -> Briefings:
    return Briefings(archive)


@pytest.fixture
def seeded(briefings: Briefings) -> Briefings:
    results = list(briefings.ingest_paths([SEEDS]))
    assert all(getattr(r, "created", False) for r in results), results
    return briefings


@pytest.fixture
def seed_texts() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS


def pytest_terminal_summary(terminalreporter) -> None:
    """Print the reliability suite's counts (inputs tried, crashes, data lost) when it ran."""
    from tests.faults import summary

    line = summary()
    if line:
        terminalreporter.write_sep("-", "reliability")
        terminalreporter.write_line(line)
