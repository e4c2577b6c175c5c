"""Link entity names across articles, and resolve a /who query to the archive's entities.

``extract_entities`` already links names within one article ("Aliyev" -> "Ilham Aliyev",
"French" -> France, "Paris said" -> France). Across articles only names are left, so the rules
here work on (name, type) pairs and how often each was seen:

* **Spelling**: names equal once case, accents, a leading "the" and a possessive are ignored are
  one entity, under their most frequent spelling ("Jean-Noel Barrot" -> "Jean-Noël Barrot").
* **People**: a one-word name that is the last word of exactly one longer person name is that
  person ("Aliyev" -> "Ilham Aliyev"); if several longer names share it, it goes to the most
  frequent one only when that one is seen at least twice as often as the next, else it stays
  apart. A longer name with the same first and last words as a shorter one ("Ilham Heydar oglu
  Aliyev") joins it.
* **Organisations**: a name that differs from a known organisation only by a legal or generic tail
  ("Apple Inc", "Chrysler LLC", "Ford Motor Company") is that organisation; an acronym whose
  letters are the initials of exactly one known organisation ("GM" -> "General Motors") is it;
  a one-word name that starts exactly one longer organisation name, and is seen no more often
  than it, is that organisation ("Lockheed" -> "Lockheed Martin", but "Boeing" stays "Boeing"
  when "Boeing Launch Systems" turns up once).
* **Places**: countries' aliases and demonyms are already canonical (``extract_entities``), and a
  capital stands for its country only where the article used it so (``form="metonym"``). Here a
  city is never merged into its country: "Paris" the city and France stay apart.

``resolve_query`` answers /who: an exact match (case, accents and "the" ignored), else an alias
(a surname, a demonym "French" -> France, a country alias "UK", an acronym), else close names
(``difflib``) as suggestions.
"""

from __future__ import annotations

import difflib
import functools
import sys
from collections import Counter, defaultdict
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from .entities import COUNTRY_ALIASES, _fold, gazetteer

#: Tails that do not change which organisation is meant ("Apple Inc." is Apple).
GENERIC_ORG_TAILS = frozenset(
    """inc inc. incorporated corp corp. corporation co co. company companies ltd ltd. limited llc
    l.l.c. plc nv n.v. ag sa s.a. gmbh se spa ab asa pty bhd group holdings holding computer
    computers motor international""".split()
)
_NAME_CONNECTORS = frozenset("of for and the de du des la le & van von der".split())


def _fold_key(name: str) -> str:
    """The folded form names are compared by: case, accents, "the", possessive, spaces."""
    # an ASCII name has no accents to strip (NFKD changes no ASCII character)
    folded = (name.casefold() if name.isascii() else _fold(name).replace("’", "'")).strip()
    folded = folded.removeprefix("the ")
    folded = folded.removesuffix("'s")
    return " ".join(folded.split())


#: ``_fold_key``, memoised for the names of small lists and of queries.
_key = functools.lru_cache(maxsize=1 << 16)(_fold_key)


def folded_names(names: Iterable[str]) -> dict[str, str]:
    """``{name: its folded key}`` for many names: computed once each, not through the memo
    (an archive's names can outnumber it, and then every look-up would miss)."""
    return {name: _fold_key(name) for name in dict.fromkeys(names)}


def _initials(name: str) -> str:
    words = [w for w in name.split() if w.lower() not in _NAME_CONNECTORS]
    while len(words) > 1 and words[-1].lower() in GENERIC_ORG_TAILS:
        words = words[:-1]
    return "".join(w[0] for w in words if w[:1].isalpha()).upper()


def _is_acronym(name: str) -> bool:
    letters = name.replace(".", "").replace("&", "")
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


def link_across(
    names: Iterable[tuple[str, str]] | Iterable[tuple[str, str, int]],
    *,
    changed_only: bool = False,
) -> dict[tuple[str, str], str]:
    """Map each (name, type) seen across articles to its canonical name.

    ``names`` are (name, type) pairs, repeated as often as seen, or (name, type, count)
    triples. Every pair seen gets an entry (itself when nothing links it), or with
    ``changed_only`` only the pairs whose canonical name is another (an archive's index: most
    of its hundreds of thousands of names link to nothing; :meth:`NameIndex.linkable` tells
    which can link at all).
    """
    counts: Counter[tuple[str, str]] = Counter()
    for item in names:
        if len(item) == 3:
            counts[(item[0], item[1])] += int(item[2])  # type: ignore[misc]
        else:
            counts[(item[0], item[1])] += 1
    # 1. spelling variants: one entry per (folded name, type), under the most frequent spelling
    folded = folded_names(name for name, _ in counts)
    head: dict[tuple[str, str], str] = {}  # the most frequent spelling, the first seen on a tie
    head_count: dict[tuple[str, str], int] = {}
    total: Counter[tuple[str, str]] = Counter()
    for (name, kind), n in counts.items():  # each spelling once per type
        key = (folded[name], kind)
        total[key] += n
        if key not in head or n > head_count[key]:
            head[key], head_count[key] = name, n
    target: dict[tuple[str, str], tuple[str, str]] = {}

    # 2. people
    people = [k for k in total if k[1] == "PER"]
    # what the loop below looks up: one-word names (surnames), and the first and last words of
    # names of three words or more; only the longer names that can answer those are indexed
    # (in an archive of 200,000 people, most are two-word names nothing points to)
    surnames: set[str] = set()
    long_ends: set[tuple[str, str]] = set()
    for key in people:
        words = key[0].split()
        if len(words) == 1:
            surnames.add(words[0])
        elif len(words) > 2:
            long_ends.add((words[0], words[-1]))
    longer_by_last: dict[str, list[tuple[str, str]]] = defaultdict(list)
    by_first_last: dict[tuple[str, str], list[tuple[tuple[str, str], int]]] = defaultdict(list)
    for key in people:
        words = key[0].split()
        if len(words) > 1:
            if words[-1] in surnames:
                longer_by_last[words[-1]].append(key)
            if (words[0], words[-1]) in long_ends:
                by_first_last[(words[0], words[-1])].append((key, len(words)))
    for key in people:
        words = key[0].split()
        if len(words) == 1:
            options = longer_by_last.get(words[0], [])
            # full names that are themselves variants of one another count once
            options = _merge_first_last(options, total)
            chosen = _dominant(options, total)
            if chosen:
                target[key] = chosen
        elif len(words) > 2:
            options = [k for k, size in by_first_last.get((words[0], words[-1]), ()) if size < len(words)]
            chosen = _dominant(options, total)
            if chosen:
                target[key] = chosen

    # 3. organisations
    orgs = [k for k in total if k[1] == "ORG"]
    org_names = {k[0] for k in orgs}
    for key in orgs:
        words = key[0].split()
        base = words[:]
        while len(base) > 1 and base[-1] in GENERIC_ORG_TAILS:
            base = base[:-1]
            if " ".join(base) in org_names:
                target[key] = (" ".join(base), "ORG")
                break
    gaz = gazetteer()
    prefixes = {_key(p) for p in list(gaz.countries) + list(gaz.demonyms)}
    for key in orgs:
        if key in target:
            continue
        words = key[0].split()
        for cut in (1, 2, 3):
            if len(words) > cut and " ".join(words[:cut]) in prefixes and " ".join(words[cut:]) in org_names:
                # "US Federal Reserve", "Japanese Toyota" -> "Federal Reserve", "Toyota"
                target[key] = (" ".join(words[cut:]), "ORG")
                break
    by_initials: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in orgs:
        original = head[key]
        if len(original.split()) > 1:
            by_initials[_initials(original)].append(key)
    starts: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in orgs:
        words = key[0].split()
        if len(words) > 1 and key not in target:
            starts[words[0]].append(key)
    for key in orgs:
        if key in target:
            continue
        original = head[key]
        if _is_acronym(original):
            letters = original.replace(".", "").upper()
            longs = [k for k in by_initials.get(letters, []) if k != key]
            options = sorted({target.get(k, k) for k in longs})
            merged: Counter[tuple[str, str]] = Counter()
            for k in longs:
                merged[target.get(k, k)] += total[k]
            chosen = options[0] if len(options) == 1 else _dominant(options, merged)
            if chosen is None and len(letters) >= 3 and options:
                # "European Aeronautic Defence & Space" / "... Defense & Space Company": variants
                chosen = max(options, key=lambda k: merged[k])
                for k in options:
                    if k != chosen:
                        target[k] = chosen
            if chosen:
                target[key] = chosen
                continue
        words = key[0].split()
        if len(words) == 1:
            options = [k for k in starts.get(words[0], []) if total[k] >= total[key]]
            if len(starts.get(words[0], [])) == 1 and options:
                target[key] = options[0]

    # 4. resolve chains and give back surface spellings
    result: dict[tuple[str, str], str] = {}
    for name, kind in counts:
        key = (folded[name], kind)
        seen = {key}
        while key in target and target[key] not in seen:
            key = target[key]
            seen.add(key)
        canonical = head.get(key, name)
        if canonical != name or not changed_only:
            result[(name, kind)] = canonical
    return result


def _merge_first_last(options: list[tuple[str, str]], total: Counter) -> list[tuple[str, str]]:
    """Among full names, fold "A B C" into "A C" when both are there."""
    short = {(k[0].split()[0], k[0].split()[-1]): k for k in options if len(k[0].split()) == 2}
    merged: Counter[tuple[str, str]] = Counter()
    for k in options:
        words = k[0].split()
        merged[short.get((words[0], words[-1]), k)] += total[k]
    for k, n in merged.items():
        total[k] = max(total[k], n)
    return list(merged)


def _dominant(options: list[tuple[str, str]], total: Counter) -> tuple[str, str] | None:
    if not options:
        return None
    ranked = sorted(options, key=lambda k: -total[k])
    if len(ranked) == 1 or total[ranked[0]] >= 2 * total[ranked[1]]:
        return ranked[0]
    return None


# --------------------------------------------------------------------------------------------
# /who


@dataclass(frozen=True)
class Resolution:
    """What a /who query matched.

    ``matches`` are (name, type) of the archive's entities the query means, best first;
    ``how`` is ``"exact"``, ``"alias"``, ``"fuzzy"`` (a single close name, taken) or ``"none"``;
    ``suggestions`` are close names to offer when nothing (or not only one thing) matched.
    """

    query: str
    matches: tuple[tuple[str, str], ...] = ()
    how: str = "none"
    suggestions: tuple[str, ...] = field(default=())

    @property
    def found(self) -> bool:
        return bool(self.matches)


#: Small codes for the types, for :meth:`NameIndex.linkable`.
_KIND_CODES = {"PER": 1, "ORG": 2, "LOC": 3, "MISC": 4}

#: A query that matches no name is compared with at most this many names, the most mentioned,
#: for "did you mean" suggestions: ``difflib`` over every name of a large archive (300,000 and
#: more) takes seconds, and a name seen once or twice is a poor suggestion anyway.
FUZZY_NAMES = 20_000


def _numbers(values: array, dtype=np.int64) -> np.ndarray:
    """A filled ``array`` of numbers as a numpy array over the same memory (no copy)."""
    return np.frombuffer(values, dtype=dtype) if len(values) else np.zeros(0, dtype)


class _HashedLookup:
    """Positions filed under string values, in 12 bytes an entry: sorted 64-bit hashes of the
    values and the positions filed under each, in increasing order. ``positions(value)`` may hold
    a few filed under another value with the same hash: the caller checks."""

    def __init__(self, hashes: np.ndarray, positions: np.ndarray) -> None:
        """``positions[i]`` is filed under the value whose hash is ``hashes[i]``."""
        order = np.lexsort((positions, hashes))
        self.hashes = hashes[order]
        self.at = positions[order].astype(np.int32)

    def positions(self, value: str) -> list[int]:
        h = hash(value)
        lo, hi = int(np.searchsorted(self.hashes, h, side="left")), int(np.searchsorted(self.hashes, h, side="right"))
        return self.at[lo:hi].tolist()


class NameIndex:
    """The archive's entities prepared for /who: ``resolve(query)`` without a scan over every name.

    Built once per archive state: look-ups by folded name, by a person's last and first word, by
    an organisation's initials; ``resolve`` answers from them. Only a query that matches nothing
    compares it with names one by one, and then with the ``FUZZY_NAMES`` most mentioned only.

    An archive may know hundreds of thousands of names, so nothing here costs a Python object
    per name but the name itself: names, types and mentions are parallel lists and arrays, and a
    look-up is not a dictionary of strings (~200 bytes an entry) but two arrays, the 64-bit
    hashes of the keys, sorted, and the position of the name each belongs to (12 bytes an entry).
    The few names whose key hashes like the query's are checked against the query, so a hash
    collision finds nothing extra. The same hashes tell which names :func:`link_across` can link
    (:meth:`linkable`).
    """

    def __init__(self, known: Iterable[tuple[str, str, int]]) -> None:
        """``known``: (name, type, mentions), read once as it comes (an archive's cursor)."""
        names: list[str] = []
        kinds: list[str] = []
        counts = array("q")
        keys = array("q")  # hash of each name's folded form
        # people: position, folded words (1, 2, or 3 for more), hashes of the first and last
        people, people_words, firsts, lasts = array("q"), array("b"), array("q"), array("q")
        named_people = array("q")  # the people whose name has two words or more: by_first, by_last
        orgs, initials = array("q"), array("q")  # organisations of two words or more
        kind_codes = array("b")
        for position, (name, kind, n) in enumerate(known):
            kind = sys.intern(kind)  # four distinct strings, not one per name
            names.append(name)
            kinds.append(kind)
            kind_codes.append(_KIND_CODES.get(kind, 0))
            counts.append(int(n))
            key = _fold_key(name)
            keys.append(hash(key))
            several = len(name.split()) > 1
            if kind == "PER":
                words = key.split()
                if words:
                    people.append(position)
                    people_words.append(min(len(words), 3))
                    firsts.append(hash(words[0]))
                    lasts.append(hash(words[-1]))
                    if several:
                        named_people.append(len(people) - 1)
            elif kind == "ORG" and several:
                orgs.append(position)
                initials.append(hash(_initials(name)))
        self.counts = _numbers(counts)
        # most mentioned first (as an archive lists them); ties keep their order
        order = np.argsort(-self.counts, kind="stable")
        rank = np.arange(len(order))  # position as read -> position in that order
        if (order != rank).any():
            rank[order] = np.arange(len(order))
            names, kinds = [names[i] for i in order.tolist()], [kinds[i] for i in order.tolist()]
            self.counts = self.counts[order]
        #: the names, their types and mentions (``counts``), most mentioned first
        self.names, self.kinds = names, kinds
        key_hashes = _numbers(keys)[order]
        people_at = rank[_numbers(people)]
        first_hashes, last_hashes = _numbers(firsts), _numbers(lasts)
        named = _numbers(named_people)
        self._by_key = _HashedLookup(key_hashes, np.arange(len(names)))
        self._by_last = _HashedLookup(last_hashes[named], people_at[named])
        self._by_first = _HashedLookup(first_hashes[named], people_at[named])
        self._by_initials = _HashedLookup(_numbers(initials), rank[_numbers(orgs)])
        top = min(FUZZY_NAMES, len(names))
        self._suggester = _Suggester(list(zip(names[:top], self.counts[:top].tolist())),
                                     folded_names(names[:top]))
        self._linkable = self._may_link(key_hashes, _numbers(kind_codes, np.int8)[order], people_at,
                                        _numbers(people_words, np.int8), first_hashes, last_hashes)

    @staticmethod
    def _may_link(keys: np.ndarray, kinds: np.ndarray, people: np.ndarray, words: np.ndarray,
                  firsts: np.ndarray, lasts: np.ndarray) -> np.ndarray:
        """See :meth:`linkable`. ``keys``: hashes of the folded names; ``kinds``: ``_KIND_CODES``;
        ``people``: positions of the people, with their folded names' number of ``words`` (3 for
        more), and the hashes of their first and last words."""
        pairs = keys * 8 + kinds  # (hash of the folded form, type) as one number
        _, inverse, seen = np.unique(pairs, return_inverse=True, return_counts=True)
        keep = seen[inverse] > 1
        keep |= kinds == _KIND_CODES["ORG"]
        surnames = lasts[words == 1]
        ends = firsts[words == 3] * 31 + lasts[words == 3]  # wraps around, as a hash may
        reached = np.isin(lasts, surnames) | np.isin(firsts * 31 + lasts, ends)
        keep[people[(words != 2) | reached]] = True
        return np.flatnonzero(keep).astype(np.int32)

    def linkable(self) -> list[int]:
        """Positions of the names :func:`link_across` may link, or link others to (a superset).

        It links a name only to one of the same type, and only: spellings of one folded form;
        people whose name is one word (a surname) or three or more, to two-word or longer names
        with the same last word, or the same first and last words; organisations. So a
        place or a person of two words is left alone unless another name shares its folded form,
        its last word is a surname or its first and last words are those of a longer name. The
        test is made on hashes: a collision only adds a name, which links as it would anyway.
        """
        return self._linkable.tolist()

    def __len__(self) -> int:
        return len(self.names)

    def entries(self) -> Iterator[tuple[str, str, int]]:
        """(name, type, mentions) of every name, most mentioned first."""
        return zip(self.names, self.kinds, self.counts.tolist())

    def _find(self, lookup: _HashedLookup, value: str, of_name) -> tuple[tuple[str, str], ...]:
        """The (name, type) pairs that ``lookup`` files under ``value``: ``of_name(name) == value``."""
        found = lookup.positions(value)
        return tuple((self.names[p], self.kinds[p]) for p in found if of_name(self.names[p]) == value)

    def by_key(self, key: str) -> tuple[tuple[str, str], ...]:
        """The names whose folded form is ``key``, most mentioned first."""
        return self._find(self._by_key, key, _key)

    def by_last(self, word: str) -> tuple[tuple[str, str], ...]:
        """The people of two words or more whose folded last word is ``word``."""
        return self._find(self._by_last, word, lambda name: _key(name).split()[-1])

    def by_first(self, word: str) -> tuple[tuple[str, str], ...]:
        """The people of two words or more whose folded first word is ``word``."""
        return self._find(self._by_first, word, lambda name: _key(name).split()[0])

    def by_initials(self, letters: str) -> tuple[tuple[str, str], ...]:
        """The organisations of two words or more whose initials are ``letters``."""
        return self._find(self._by_initials, letters, _initials)

    def resolve(self, query: str, *, suggestions: int = 5) -> Resolution:
        """What ``query`` means: see :func:`resolve_query`."""
        q = _key(query)
        if not q:
            return Resolution(query)
        exact = self.by_key(q)
        if exact:
            return Resolution(query, exact, "exact")

        aliases: list[tuple[str, str]] = []
        demonyms, countries = _place_aliases()
        for target in (demonyms.get(q), countries.get(q)):
            if target:
                aliases += self.by_key(_key(target))
        words = q.split()
        if not aliases and len(words) == 1:  # a surname, or a first name, of a known person
            aliases += self.by_last(q) or self.by_first(q)
        if not aliases and _is_acronym(query.strip()):
            aliases += self.by_initials(query.strip().replace(".", "").upper())
        if not aliases and len(words) > 1:
            # "President Aliyev", "Mr Macron": drop title words and try the rest
            from .entities import TITLE_HEADS, TITLE_MODIFIERS

            rest = [w for w in query.split() if w.rstrip(".").title() not in TITLE_HEADS | TITLE_MODIFIERS]
            if rest and len(rest) < len(words):
                inner = self.resolve(" ".join(rest), suggestions=suggestions)
                if inner.how in ("exact", "alias"):
                    return Resolution(query, inner.matches, "alias")
        if aliases:
            return Resolution(query, tuple(dict.fromkeys(aliases)), "alias")
        return Resolution(query, (), "none", tuple(self._suggester.close(q, suggestions)))


@functools.lru_cache(maxsize=1)
def _place_aliases() -> tuple[dict[str, str], dict[str, str]]:
    """Folded demonym -> country, folded country name or alias -> country (the first listed wins)."""
    gaz = gazetteer()
    demonyms: dict[str, str] = {}
    for form, country in gaz.demonyms.items():
        demonyms.setdefault(_key(form), country)
    countries: dict[str, str] = {}
    for alias, country in {**gaz.countries, **COUNTRY_ALIASES}.items():
        countries.setdefault(_key(alias), country)
    return demonyms, countries


def resolve_query(query: str, known: Iterable[tuple[str, str, int]], *, suggestions: int = 5) -> Resolution:
    """Resolve a /who ``query`` against the archive's entities ``known`` as (name, type, count).

    Exact (case/accents/"the" ignored) beats alias (surname "Aliyev", demonym "French", country
    alias "UK", acronym "GM", capital-free), which beats fuzzy. With no match the answer carries
    close names as ``suggestions`` (``difflib``, on the folded names and on their last words).
    Resolving many queries against the same names: build one :class:`NameIndex`.
    """
    return NameIndex(known).resolve(query, suggestions=suggestions)


def _ratio_at_least(a: str, b: str, threshold: float) -> float:
    """difflib's ratio of ``a`` and ``b`` when it reaches ``threshold``, else 0.0.

    The length bound and ``quick_ratio`` (upper bounds of ``ratio``) rule most names out
    without the full match: a /who typo is compared with every name in the archive.
    """
    if 2 * min(len(a), len(b)) < threshold * (len(a) + len(b)):
        return 0.0
    matcher = difflib.SequenceMatcher(None, a, b)
    if matcher.quick_ratio() < threshold:
        return 0.0
    ratio = matcher.ratio()
    return ratio if ratio >= threshold else 0.0


def _closeness(q: str, key: str) -> float:
    """How close a query is to a folded name, or to one of its words ("Aliev" ~ "Aliyev" in
    "Ilham Aliyev"); 0.0 below the suggestion thresholds."""
    ratio = _ratio_at_least(q, key, 0.72)
    for word in key.split():
        if len(word) > 2:
            ratio = max(ratio, _ratio_at_least(q, word, 0.74) - 0.02)
    return ratio


class _Suggester:
    """"Did you mean": names whose folded form, or one of its words, is close to a query.

    ``close`` returns what comparing the query with every name by ``difflib`` would, faster:
    each name's characters are counted in 32 buckets (code point mod 32) once, and a name is
    compared only when the bucket counts allow a close enough ratio (sum of the smaller counts
    bounds the characters two strings can match from above, as ``quick_ratio`` does).
    """

    _BUCKETS = 32

    def __init__(self, names: list[tuple[str, int]], folded: dict[str, str]) -> None:
        """``names``: (name, mentions), the most mentioned first."""
        keys: dict[str, str] = {}
        for name, _ in names:
            keys.setdefault(folded[name], name)
        self.keys = list(keys.items())  # (folded name, its most mentioned spelling)
        self.counts = dict(names)
        words = [(word, i) for i, (key, _) in enumerate(self.keys) for word in key.split() if len(word) > 2]
        self.word_owner = np.fromiter((i for _, i in words), dtype=np.int64, count=len(words))
        self.key_chars, self.key_lengths = self._char_counts([key for key, _ in self.keys])
        self.word_chars, self.word_lengths = self._char_counts([word for word, _ in words])

    @classmethod
    def _char_counts(cls, strings: list[str]) -> tuple[np.ndarray, np.ndarray]:
        lengths = np.fromiter(map(len, strings), dtype=np.int64, count=len(strings))
        # 16 bits a count: enough for any name (clipped, which only lowers a bound the query never
        # reaches); counted 4,096 strings at a time, so that bincount's 64-bit counts stay small
        counts = np.zeros((len(strings), cls._BUCKETS), dtype=np.uint16)
        for start in range(0, len(strings), 4096):
            chunk = strings[start:start + 4096]
            points = np.frombuffer("".join(chunk).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
            owner = np.repeat(np.arange(len(chunk)), lengths[start:start + 4096])
            found = np.bincount(owner * cls._BUCKETS + points % cls._BUCKETS, minlength=len(chunk) * cls._BUCKETS)
            counts[start:start + len(chunk)] = np.minimum(found, 0xFFFF).reshape(len(chunk), cls._BUCKETS)
        return counts, lengths

    def _possible(self, q: str, chars: np.ndarray, lengths: np.ndarray, threshold: float) -> np.ndarray:
        """Indices of the strings whose ratio with ``q`` may reach ``threshold``."""
        if not len(lengths):
            return np.zeros(0, dtype=np.int64)
        query = self._char_counts([q])[0][0]
        bound = 2.0 * np.minimum(chars, query).sum(axis=1) / (len(q) + lengths)
        return np.flatnonzero(bound >= threshold)

    def close(self, q: str, limit: int) -> list[str]:
        candidates = set(self._possible(q, self.key_chars, self.key_lengths, 0.72).tolist())
        candidates.update(self.word_owner[self._possible(q, self.word_chars, self.word_lengths, 0.74)].tolist())
        scored: dict[str, float] = {}
        for index in sorted(candidates):
            key, name = self.keys[index]
            ratio = _closeness(q, key)
            if ratio >= 0.72:
                scored[name] = max(scored.get(name, 0.0), ratio)
        ranked = sorted(scored, key=lambda name: (-scored[name], -self.counts.get(name, 0), name))
        return ranked[:limit]
