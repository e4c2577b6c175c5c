"""Pure digest helpers: cluster near-duplicate stories, compare entity counts between periods."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Sequence

import numpy as np

#: A word of three letters or more: what two reports of one story share.
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
#: Cosine similarity of TF-IDF vectors (title + lede) from which two articles are one story.
SAME_STORY = 0.35
#: The lede: how much of an article's text, after its title, stories are compared by.
LEDE_CHARS = 600
#: Terms in more documents than this are compared as dense columns; rarer ones pair by pair.
_DENSE_DF = 64


@functools.lru_cache(maxsize=1 << 16)
def _term(word: str) -> bytes:
    """A word's stable 64-bit hash (Python's own ``hash`` of a str changes between processes)."""
    return hashlib.blake2b(word.casefold().encode("utf-8", "surrogatepass"), digest_size=8).digest()


def story_terms(text: str) -> bytes:
    """The words of ``text`` (an article's title and lede) that stories are compared by.

    Each word of three letters or more, case-folded, in order, as a 64-bit hash: stored per
    article at ingest, so a digest reads bytes instead of tokenising a thousand ledes.
    Two different words share a hash with odds of about one in 10^19 per pair.
    """
    return b"".join(map(_term, _WORD.findall(text)))


def article_terms(title: str, text: str) -> bytes:
    """The ``story_terms`` of an article: its title and the first ``LEDE_CHARS`` of its text."""
    return story_terms(f"{title}\n{text[:LEDE_CHARS]}")


def _weights(terms: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(document, term, TF-IDF weight) of every distinct term of every text, and each text's norm."""
    n = len(terms)
    hashes = np.frombuffer(b"".join(terms), dtype="<i8")
    docs = np.repeat(np.arange(n), np.fromiter(map(len, terms), dtype=np.int64, count=n) // 8)
    vocab, ids = np.unique(hashes, return_inverse=True)
    # sorted by term, then document: each term's postings are contiguous, documents ascending
    pairs, counts = np.unique(ids.astype(np.int64) * n + docs, return_counts=True)
    term, doc = pairs // n, pairs % n
    df = np.bincount(term, minlength=max(len(vocab), 1))
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
        # postings of a term are contiguous, documents ascending: pair each with the later ones
        later = np.searchsorted(term, term, side="right") - np.arange(len(term)) - 1
        left = np.repeat(np.arange(len(term)), later)
        right = left + 1 + np.arange(len(left)) - np.repeat(np.cumsum(later) - later, later)
        products += np.bincount(doc[left] * n + doc[right], weights=weight[left] * weight[right],
                                minlength=n * n).reshape(n, n)
    return products


def cluster_stories(texts: Sequence[str], threshold: float = SAME_STORY) -> list[list[int]]:
    """Group indices of ``texts`` that report the same story (TF-IDF cosine >= ``threshold``).

    Single-link clustering over the similarity graph; clusters keep input order, and so does
    each cluster's members (the first member is the cluster's representative).
    """
    return cluster_terms([story_terms(text) for text in texts], threshold)


def cluster_terms(terms: Sequence[bytes], threshold: float = SAME_STORY) -> list[list[int]]:
    """``cluster_stories`` of texts given by their ``story_terms``."""
    n = len(terms)
    if n == 0:
        return []
    doc, term, weight, norms = _weights(terms)
    weight = weight / norms[doc]  # unit vectors: dot products are cosines
    cosine = _dot_products(n, doc, term, weight)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    left, right = np.nonzero(cosine >= threshold)
    upper = left < right
    for i, j in zip(left[upper].tolist(), right[upper].tolist()):
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
