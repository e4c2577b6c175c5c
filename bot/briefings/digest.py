"""Pure digest helpers: cluster near-duplicate stories, compare entity counts between periods."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

_TOKEN = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
#: Cosine similarity of TF-IDF vectors (title + lede) from which two articles are one story.
SAME_STORY = 0.35


def _vector(text: str) -> Counter[str]:
    return Counter(token.casefold() for token in _TOKEN.findall(text))


def cluster_stories(texts: Sequence[str], threshold: float = SAME_STORY) -> list[list[int]]:
    """Group indices of ``texts`` that report the same story (TF-IDF cosine >= ``threshold``).

    Single-link clustering over the similarity graph; clusters keep input order, and so does
    each cluster's members (the first member is the cluster's representative).
    """
    vectors = [_vector(t) for t in texts]
    df: Counter[str] = Counter()
    for vector in vectors:
        df.update(vector.keys())
    n = len(texts)
    idf = {term: math.log((1 + n) / (1 + count)) + 1 for term, count in df.items()}
    weighted = [{t: c * idf[t] for t, c in v.items()} for v in vectors]
    norms = [math.sqrt(sum(w * w for w in v.values())) or 1.0 for v in weighted]
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            small, large = sorted((weighted[i], weighted[j]), key=len)
            dot = sum(w * large.get(t, 0.0) for t, w in small.items())
            if dot / (norms[i] * norms[j]) >= threshold:
                parent[find(j)] = find(i)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values(), key=lambda members: members[0])


def trend(current: int, previous: int) -> str:
    """A short change label: "new", "+3", "−2", "=" ."""
    if previous == 0:
        return "new" if current else "="
    delta = current - previous
    return "=" if delta == 0 else (f"+{delta}" if delta > 0 else f"−{-delta}")
