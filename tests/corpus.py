"""Texts the speed tests check their shortcuts on: the seed articles and the evaluation articles."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: MEANTIME English (Wikinews, CC BY 4.0), beside the repository in ../shared when installed.
EVAL_DOCS = ROOT.parent / "shared" / "eval" / "meantime_en" / "docs.jsonl"


def seed_texts() -> list[str]:
    """The sample articles in seeds/."""
    return [path.read_text(encoding="utf-8") for path in sorted((ROOT / "seeds").glob("*.txt"))]


def eval_texts(limit: int | None = None) -> list[str]:
    """The first ``limit`` evaluation articles (all by default); none where ../shared is missing."""
    if not EVAL_DOCS.exists():
        return []
    return [json.loads(line)["text"] for line in EVAL_DOCS.read_text(encoding="utf-8").splitlines()[:limit]]
