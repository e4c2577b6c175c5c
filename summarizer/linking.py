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
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .entities import COUNTRY_ALIASES, _fold, gazetteer

#: Tails that do not change which organisation is meant ("Apple Inc." is Apple).
GENERIC_ORG_TAILS = frozenset(
    """inc inc. incorporated corp corp. corporation co co. company companies ltd ltd. limited llc
    l.l.c. plc nv n.v. ag sa s.a. gmbh se spa ab asa pty bhd group holdings holding computer
    computers motor international""".split()
)
_NAME_CONNECTORS = frozenset("of for and the de du des la le & van von der".split())


@functools.lru_cache(maxsize=1 << 18)
def _key(name: str) -> str:
    """The folded form names are compared by: case, accents, "the", possessive, spaces.

    Memoised: every /who compares the query with every name in the archive.
    """
    folded = _fold(name).replace("’", "'").strip()
    folded = folded.removeprefix("the ")
    folded = folded.removesuffix("'s")
    return " ".join(folded.split())


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
) -> dict[tuple[str, str], str]:
    """Map each (name, type) seen across articles to its canonical name.

    ``names`` are (name, type) pairs, repeated as often as seen, or (name, type, count)
    triples. Every pair seen gets an entry (itself when nothing links it).
    """
    counts: Counter[tuple[str, str]] = Counter()
    for item in names:
        if len(item) == 3:
            counts[(item[0], item[1])] += int(item[2])  # type: ignore[misc]
        else:
            counts[(item[0], item[1])] += 1
    # 1. spelling variants: one entry per (folded name, type), under the most frequent spelling
    spelling: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for (name, kind), n in counts.items():
        spelling[(_key(name), kind)][name] += n
    head: dict[tuple[str, str], str] = {k: c.most_common(1)[0][0] for k, c in spelling.items()}
    total: Counter[tuple[str, str]] = Counter({k: sum(c.values()) for k, c in spelling.items()})
    target: dict[tuple[str, str], tuple[str, str]] = {}

    # 2. people
    people = [k for k in total if k[1] == "PER"]
    longer_by_last: dict[str, list[tuple[str, str]]] = defaultdict(list)
    by_first_last: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for key in people:
        words = key[0].split()
        if len(words) > 1:
            longer_by_last[words[-1]].append(key)
            by_first_last[(words[0], words[-1])].append(key)
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
            options = [
                k
                for k in by_first_last.get((words[0], words[-1]), [])
                if k != key and len(k[0].split()) < len(words)
            ]
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
        key = (_key(name), kind)
        seen = {key}
        while key in target and target[key] not in seen:
            key = target[key]
            seen.add(key)
        result[(name, kind)] = head.get(key, name)
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


def resolve_query(query: str, known: Iterable[tuple[str, str, int]], *, suggestions: int = 5) -> Resolution:
    """Resolve a /who ``query`` against the archive's entities ``known`` as (name, type, count).

    Exact (case/accents/"the" ignored) beats alias (surname "Aliyev", demonym "French", country
    alias "UK", acronym "GM", capital-free), which beats fuzzy. With no match the answer carries
    close names as ``suggestions`` (``difflib``, on the folded names and on their last words).
    """
    entries = [(name, kind, int(n)) for name, kind, n in known]
    q = _key(query)
    if not q:
        return Resolution(query)
    by_count = sorted(entries, key=lambda e: -e[2])

    exact = [(name, kind) for name, kind, _ in by_count if _key(name) == q]
    if exact:
        return Resolution(query, tuple(exact), "exact")

    aliases: list[tuple[str, str]] = []
    gaz = gazetteer()
    demonym = next((country for form, country in gaz.demonyms.items() if _key(form) == q), None)
    country = next((c for alias, c in {**gaz.countries, **COUNTRY_ALIASES}.items() if _key(alias) == q), None)
    for target in (demonym, country):
        if target:
            aliases += [(name, kind) for name, kind, _ in by_count if _key(name) == _key(target)]
    words = q.split()
    if not aliases and len(words) == 1:
        # a surname, or a first name, of a known person
        aliases += [
            (name, kind)
            for name, kind, _ in by_count
            if kind == "PER" and len(name.split()) > 1 and _key(name).split()[-1] == q
        ]
        if not aliases:
            aliases += [
                (name, kind)
                for name, kind, _ in by_count
                if kind == "PER" and len(name.split()) > 1 and _key(name).split()[0] == q
            ]
    if not aliases and _is_acronym(query.strip()):
        aliases += [
            (name, kind)
            for name, kind, _ in by_count
            if kind == "ORG"
            and len(name.split()) > 1
            and _initials(name) == query.strip().replace(".", "").upper()
        ]
    if not aliases and len(words) > 1:
        # "President Aliyev", "Mr Macron": drop title words and try the rest
        from .entities import TITLE_HEADS, TITLE_MODIFIERS

        rest = [w for w in query.split() if w.rstrip(".").title() not in TITLE_HEADS | TITLE_MODIFIERS]
        if rest and len(rest) < len(words):
            inner = resolve_query(" ".join(rest), entries, suggestions=suggestions)
            if inner.how in ("exact", "alias"):
                return Resolution(query, inner.matches, "alias")
    if aliases:
        seen: list[tuple[str, str]] = []
        for alias in aliases:
            if alias not in seen:
                seen.append(alias)
        return Resolution(query, tuple(seen), "alias")

    close = _close_names(q, by_count, suggestions)
    return Resolution(query, (), "none", tuple(close))


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


def _close_names(q: str, entries: list[tuple[str, str, int]], limit: int) -> list[str]:
    keys: dict[str, str] = {}
    for name, _, _ in entries:
        keys.setdefault(_key(name), name)
    scored: dict[str, float] = {}
    for key, name in keys.items():
        ratio = _ratio_at_least(q, key, 0.72)
        # also compare with each word of the name ("Aliev" ~ "Aliyev" in "Ilham Aliyev")
        for word in key.split():
            if len(word) > 2:
                ratio = max(ratio, _ratio_at_least(q, word, 0.74) - 0.02)
        if ratio >= 0.72:
            scored[name] = max(scored.get(name, 0.0), ratio)
    counts = {name: n for name, _, n in entries}
    ranked = sorted(scored, key=lambda name: (-scored[name], -counts.get(name, 0), name))
    return ranked[:limit]
