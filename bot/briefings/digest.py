"""Pure digest helpers: cluster near-duplicate stories, compare entity counts between periods."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

#: A word of three letters or more, or the NUL that ends each text (see ``_weights``).
_TOKEN_OR_END = re.compile(r"[^\W\d_]{3,}|\x00", re.UNICODE)
#: Cosine similarity of TF-IDF vectors (title + lede) from which two articles are one story.
SAME_STORY = 0.35


#: Terms in more documents than this are compared as dense columns; rarer ones pair by pair.
_DENSE_DF = 64


def _weights(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(document, term, TF-IDF weight) of every distinct term of every text, and each text's norm."""
    # one pass over all texts: NUL (never inside a token) marks where each text ends
    found = _TOKEN_OR_END.findall("\x00".join(t.replace("\x00", " ") for t in texts) + "\x00")
    ends = np.array([i for i, token in enumerate(found) if token == "\x00"], dtype=np.int64)
    docs = np.repeat(np.arange(len(texts)), np.diff(ends, prepend=-1) - 1)
    words = "\x00".join(found).casefold().split("\x00")  # token by token, as str.casefold each
    words = [w for w in words if w]
    vocab = {word: index for index, word in enumerate(dict.fromkeys(words))}
    terms = np.fromiter(map(vocab.__getitem__, words), dtype=np.int64, count=len(words))
    n = len(texts)
    width = max(len(vocab), 1)
    # sorted by term, then document: each term's postings are contiguous, documents ascending
    pairs, counts = np.unique(terms * n + docs, return_counts=True)
    term, doc = pairs // n, pairs % n
    df = np.bincount(term, minlength=width)
    weight = counts * (np.log((1 + n) / (1 + df[term])) + 1)
    norms = np.sqrt(np.bincount(doc, weights=weight * weight, minlength=n))
    norms[norms == 0] = 1.0
    return doc, term, weight, norms


def _dot_products(n: int, doc: np.ndarray, term: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """The n x n matrix of TF-IDF dot products (upper triangle and diagonal are what count).

    Frequent terms go through one dense matrix product; every other term shared by a few
    documents adds its products pair by pair: no n x vocabulary matrix, no Python loop over pairs.
    """
    df = np.bincount(term)
    frequent = df[term] > _DENSE_DF
    columns = np.unique(term[frequent])
    dense = np.zeros((n, len(columns)))
    dense[doc[frequent], np.searchsorted(columns, term[frequent])] = weight[frequent]
    products = dense @ dense.T
    shared = ~frequent & (df[term] >= 2)
    doc, term, weight = doc[shared], term[shared], weight[shared]
    if len(doc):
        sizes = df[term]  # postings of the same term are contiguous: pair each with its group
        first = np.searchsorted(term, term)
        left = np.repeat(np.arange(len(doc)), sizes)
        right = np.repeat(first, sizes) + (np.arange(len(left)) - np.repeat(np.cumsum(sizes) - sizes, sizes))
        keep = left < right
        left, right = left[keep], right[keep]
        products += np.bincount(doc[left] * n + doc[right], weights=weight[left] * weight[right],
                                minlength=n * n).reshape(n, n)
    return products


def cluster_stories(texts: Sequence[str], threshold: float = SAME_STORY) -> list[list[int]]:
    """Group indices of ``texts`` that report the same story (TF-IDF cosine >= ``threshold``).

    Single-link clustering over the similarity graph; clusters keep input order, and so does
    each cluster's members (the first member is the cluster's representative).
    """
    n = len(texts)
    if n == 0:
        return []
    doc, term, weight, norms = _weights(texts)
    cosine = _dot_products(n, doc, term, weight) / np.outer(norms, norms)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in zip(*np.nonzero(np.triu(cosine >= threshold, 1))):
        parent[find(int(j))] = find(int(i))
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
