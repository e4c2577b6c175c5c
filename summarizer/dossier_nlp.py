"""What an article says about an entity: role lines, attributed quotes, a focused summary.

Pure functions over one text, its sentences (``split_sentences``) and its mentions
(``extract_entities``), for the /who dossier:

* ``find_roles``: descriptions the text gives a name: an apposition ("Neil Watson, *a British
  journalist and political analyst*, ..."; "Tural Ismayilov, *political scientist and Sector
  Director at the Center for Social Research in Baku*, ..."), a copula ("Zaur Nurmamedov is *a
  journalist and a graduate of ...*"), or the title words before a name ("*Azerbaijani
  President* Ilham Aliyev", "*JSA Research defence analyst* Paul Nesbit").
* ``find_quotes``: quoted speech (curly “…”, straight "…", or ``…'') attributed by a speech verb
  next to it ("“…,” Watson said", "said Angers", "“…,” he said") or introduced by a colon
  ("X ... cautioned:" and the quote in the next paragraph). "he"/"she" is the last person named
  outside quotes before it. Quotes with no speech verb (scare quotes) are left out.
* ``focused_summary``: rank the sentences that mention an entity by centrality among themselves
  (TF-IDF cosine, as LexRank's degree centrality) blended with how early they come in their
  article and how much they are about the query, dropping near-duplicates (word-set Jaccard).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .entities import ORG_NOUNS, ROLE_NOUNS, TITLE_HEADS, TITLE_MODIFIERS, Mention, _fold, gazetteer
from .sentences import Span


@dataclass(frozen=True)
class Role:
    """A description of ``name`` found in the text at ``start:end``."""

    name: str
    description: str
    start: int
    end: int


@dataclass(frozen=True)
class Quote:
    """Quoted speech ``text`` (at ``start:end``, without the quote marks) said by ``speaker``."""

    speaker: str
    text: str
    start: int
    end: int


SPEECH_VERBS = frozenset(
    """said says say saying told tells added adds explained explains noted notes argued argues
    stated states stressed stresses emphasized emphasizes emphasised emphasises warned warns
    cautioned cautions insisted insists claimed claims declared declares remarked remarks
    observed observes asked asks replied replies continued continues concluded concludes recalled
    recalls wrote writes commented comments acknowledged acknowledges admitted admits announced
    announces suggested suggests highlighted highlights underlined underlines pointed believes
    believed predicted predicts told quipped responded responds answered answers affirmed
    affirms reiterated reiterates confirmed confirms mentioned mentions urged urges""".split()
)
_PRONOUNS = {"he": "PER", "she": "PER", "He": "PER", "She": "PER"}
_WORD = re.compile(r"[^\W_][\w’'\-]*", re.UNICODE)
_QUOTE_PAIRS = (("“", "”"), ("``", "''"), ('"', '"'), ("«", "»"))
_ROLE_WORDS = {w.lower() for w in TITLE_HEADS | TITLE_MODIFIERS} | ROLE_NOUNS
_COMMA = re.compile(r"\s*,\s*")
_COPULA = re.compile(r"\s+(?:is|was|has been|remains|became)\s+(?=(?:an?|the)\s)")
#: Role words that name a role by themselves (not a modifier such as "Foreign" or "Deputy").
_ROLE_HEADS = frozenset({w.lower() for w in TITLE_HEADS} | ROLE_NOUNS)


# --------------------------------------------------------------------------------------------
# Roles


def _role_word(word: str) -> bool:
    return word.lower().rstrip(".") in _ROLE_WORDS


def _has_role_noun(words: list[str]) -> bool:
    return any(w.lower().rstrip(".,") in ROLE_NOUNS or w.rstrip(".,") in TITLE_HEADS for w in words)


def find_roles(text: str, sentences: Sequence[Span], mentions: Sequence[Mention]) -> list[Role]:
    """Descriptions of people and organisations in ``text``, in document order (see module doc)."""
    roles: list[Role] = []
    by_start = sorted(mentions, key=lambda m: m.start)
    starts = [m.start for m in by_start]
    for span in sentences:
        inside = by_start[bisect_left(starts, span.start) : bisect_left(starts, span.end)]
        for k, mention in enumerate(inside):
            if mention.type not in ("PER", "ORG") or mention.form != "name":
                continue
            nxt = inside[k + 1] if k + 1 < len(inside) else None
            role = _apposition(text, span, mention, nxt) or _copula(text, span, mention)
            if role:
                roles.append(role)
            if mention.type == "PER":
                role = _premodifier(text, span, mention, inside[:k])
                if role:
                    roles.append(role)
    seen: set[tuple[str, str]] = set()
    out: list[Role] = []
    for role in sorted(roles, key=lambda r: r.start):
        key = (role.name, _fold(role.description))
        if key not in seen:
            seen.add(key)
            out.append(role)
    return out


def _role(name: str, text: str, start: int, end: int) -> Role | None:
    """A role over ``text[start:end]`` less surrounding punctuation and a leading article."""
    raw = text[start:end]
    lead = re.match(r"[\s,;:—–-]*(?:(?:a|an|the)\s+)?", raw, flags=re.IGNORECASE)
    start += lead.end() if lead else 0
    raw = text[start:end]
    trimmed = raw.rstrip(",;:—–- \n")
    end = start + len(trimmed)
    description = re.sub(r"\s+", " ", trimmed)
    return Role(name, description, start, end) if description else None


def _apposition(text: str, span: Span, mention: Mention, nxt: Mention | None) -> Role | None:
    """ "Neil Watson, a British journalist and political analyst, struck ..." -> the middle."""
    rest = text[mention.end : span.end]
    match = _COMMA.match(rest)
    if not match:
        return None
    start = mention.end + match.end()
    # the apposition runs to the next comma (or dash, bracket, sentence end)
    stop = re.search(r"\s*(?:,|\s[—–]\s|\(|\)|;|:|$)", text[start : span.end])
    end = start + (stop.start() if stop else span.end - start)
    raw = text[start:end]
    words = raw.split()
    if not words or len(words) > 18:
        return None
    first = words[0]
    if first.lower() in (
        "who",
        "which",
        "that",
        "where",
        "when",
        "and",
        "or",
        "but",
        "said",
        "says",
        "he",
        "she",
        "it",
    ):
        return None
    if first[:1].isdigit():
        return None  # "Barra, 51, will be": an age
    if (
        nxt is not None
        and nxt.start == start
        and nxt.form == "name"
        and nxt.type in ("PER", "ORG", "LOC")
        and first.lower() not in ("the", "a", "an")
    ):
        return None  # "Boeing, Airbus and ...": a list of names, not an apposition
    nouns = ROLE_NOUNS if mention.type == "PER" else ORG_NOUNS | {"maker", "makers", "company"}
    if not (
        any(w.lower().strip(".,") in nouns for w in words)
        or (mention.type == "PER" and _has_role_noun(words))
    ):
        return None
    return _role(mention.name, text, start, end)


def _copula(text: str, span: Span, mention: Mention) -> Role | None:
    """ "Zaur Nurmamedov is a journalist and a graduate of ..." -> the predicate noun phrase."""
    rest = text[mention.end : span.end]
    match = _COPULA.match(rest)
    if not match:
        return None
    start = mention.end + match.end()
    stop = re.search(r"\s*(?:,|;|\s[—–]\s|\(|\.\s|\.$|$)", text[start : span.end])
    end = start + (stop.start() if stop else span.end - start)
    words = text[start:end].split()
    if not words or len(words) > 25 or not _has_role_noun(words[:4]):
        return None
    return _role(mention.name, text, start, end)


def _premodifier(text: str, span: Span, mention: Mention, before: list[Mention]) -> Role | None:
    """ "Azerbaijani President Ilham Aliyev" -> "Azerbaijani President"."""
    head = text[span.start : mention.start]
    tokens = list(re.finditer(r"[^\s]+", head))
    k = len(tokens)
    has_role = False
    gaz = gazetteer()
    while k > 0:
        token = tokens[k - 1]
        word = token.group(0)
        absolute = span.start + token.start()
        in_name = any(m.start <= absolute < m.end and m.type in ("ORG", "LOC") for m in before)
        if _role_word(word):
            has_role = has_role or word.lower().rstrip(".") in _ROLE_HEADS
        elif in_name or word in gaz.demonyms or word in ("’s", "'s", "of") and k > 1:
            pass
        else:
            break
        k -= 1
    if not has_role or k == len(tokens):
        return None
    start = span.start + tokens[k].start()
    end = span.start + tokens[-1].end()
    description = text[start:end]
    # a bare honorific says nothing: "Mr", "Dr"
    if description.rstrip(".") in ("Mr", "Mrs", "Ms", "Dr", "Sir", "Miss", "Mr.", "Mrs."):
        return None
    if len(description.split()) == 1 and description.endswith("s") and description[:-1] in TITLE_HEADS:
        return None  # "Presidents Aliyev and Macron": a plural title is said of both
    return Role(mention.name, description.strip(), start, end)


# --------------------------------------------------------------------------------------------
# Quotes


def _quote_spans(text: str) -> list[tuple[int, int, int, int]]:
    """(open, content start, content end, close end) of every quoted passage, in order."""
    found: list[tuple[int, int, int, int]] = []
    taken: list[tuple[int, int]] = []
    for opening, closing in _QUOTE_PAIRS:
        position = 0
        while True:
            o = text.find(opening, position)
            if o < 0:
                break
            c = text.find(closing, o + len(opening))
            if c < 0:
                break
            if opening == closing == '"' and "\n\n" in text[o:c]:
                position = o + 1
                continue
            if c - o > 3000:
                position = o + len(opening)
                continue
            if not any(a <= o < b for a, b in taken):
                found.append((o, o + len(opening), c, c + len(closing)))
                taken.append((o, c + len(closing)))
            position = c + len(closing)
    return sorted(found)


def find_quotes(text: str, sentences: Sequence[Span], mentions: Sequence[Mention]) -> list[Quote]:
    """Quoted speech attributed to a person (see module doc), in document order."""
    quotes: list[Quote] = []
    spans = _quote_spans(text)
    opens = [o for o, _, _, _ in spans]

    def outside(m: Mention) -> bool:
        k = bisect_right(opens, m.start) - 1
        return k < 0 or m.start >= spans[k][3]

    named = _Index(sorted((m for m in mentions if outside(m)), key=lambda m: m.start))
    people = _Index([m for m in named.items if m.type == "PER"])
    sentence_starts = [span.start for span in sentences]
    for o, cs, ce, e in spans:
        content = text[cs:ce]
        body = content.strip().rstrip(",").strip()
        if len(body.split()) < 3:
            continue  # a scare quote or a title, not speech
        speaker = _speaker_after(text, e, named, people) or _speaker_before(
            text, o, sentences, sentence_starts, named, people
        )
        if speaker:
            lead = len(content) - len(content.lstrip())
            start = cs + lead
            quotes.append(Quote(speaker, body, start, start + len(body)))
    return quotes


class _Index:
    """Mentions sorted by start, for range look-ups."""

    def __init__(self, items: list[Mention]):
        self.items = items
        self.starts = [m.start for m in items]

    def between(self, start: int, end: int) -> list[Mention]:
        return self.items[bisect_left(self.starts, start) : bisect_left(self.starts, end)]


def _name_at(named: _Index, start: int, end: int) -> Mention | None:
    """The first person named in ``start:end``, else the first organisation ("Boeing said")."""
    inside = [m for m in named.between(start, end) if m.form == "name"]
    for kind in ("PER", "ORG"):
        for m in inside:
            if m.type == kind:
                return m
    return None


def _last_person_before(people: _Index, position: int) -> Mention | None:
    """The last person whose mention ends at or before ``position``."""
    k = bisect_left(people.starts, position)
    while k > 0:
        k -= 1
        if people.items[k].end <= position:
            return people.items[k]
    return None


def _speaker_after(text: str, end: int, named: _Index, people: _Index) -> str | None:
    """ "“…,” Watson said", "“…,” said Angers", "“…,” he said"."""
    window_end = text.find("\n", end)
    window_end = len(text) if window_end < 0 else window_end
    window = text[end : min(window_end, end + 120)]
    words = [w.group(0) for w in _WORD.finditer(window[:80])]
    if not words:
        return None
    # "he said" / "she added"
    if len(words) >= 2 and words[0] in _PRONOUNS and words[1] in SPEECH_VERBS:
        person = _last_person_before(people, end)
        return person.name if person else None
    # "said Angers" / "Watson said" / "Sandy Angers, a spokeswoman, said"
    if (
        words[0] in SPEECH_VERBS
        or (len(words) > 1 and words[1] in SPEECH_VERBS)
        or (len(words) > 2 and words[2] in SPEECH_VERBS)
        or (len(words) > 3 and words[3] in SPEECH_VERBS)
    ):
        person = _name_at(named, end, end + 60)
        if person:
            return person.name
    if words[0] == "according" and len(words) > 1 and words[1] == "to":
        person = _name_at(named, end, end + 60)
        if person:
            return person.name
    return None


def _speaker_before(
    text: str,
    opening: int,
    sentences: Sequence[Span],
    sentence_starts: list[int],
    named: _Index,
    people: _Index,
) -> str | None:
    """ "X said: “…”", "X ... cautioned:\\n“…”" (the quote opens the next paragraph)."""
    lead_end = opening
    while lead_end > 0 and text[lead_end - 1].isspace():
        lead_end -= 1
    if lead_end == 0 or text[lead_end - 1] not in ":,":
        return None
    # the sentence that introduces the quote: the last one starting before the mark
    k = bisect_left(sentence_starts, lead_end) - 1
    if k < 0 or sentences[k].end + 1 < lead_end:
        return None
    clause_start = sentences[k].start
    clause = text[clause_start:lead_end]
    words = [w.group(0) for w in _WORD.finditer(clause)]
    colon = text[lead_end - 1] == ":"
    if not any(w in SPEECH_VERBS for w in words) and not colon:
        return None
    if not any(w in SPEECH_VERBS for w in words[-6:]) and not colon:
        return None
    # subject: a pronoun at the start of the clause, else the first person named in it
    if words and words[0] in _PRONOUNS:
        person = _last_person_before(people, clause_start)
        return person.name if person else None
    person = _name_at(named, clause_start, lead_end)
    if person is not None:
        return person.name
    if any(w in SPEECH_VERBS for w in words):
        person = _last_person_before(people, clause_start)
        if person is not None and words and words[0].lower() in ("he", "she"):
            return person.name
    return None


# --------------------------------------------------------------------------------------------
# Focused summary


def _terms(sentence: str, stop: frozenset[str]) -> list[str]:
    return [w for w in (_fold(m.group(0)) for m in _WORD.finditer(sentence)) if w not in stop and len(w) > 1]


def _stop() -> frozenset[str]:
    from .entities import _stop_words

    return _stop_words()


#: Sentences ranked at most (keeps a dossier's cost bounded on a large archive).
MAX_CANDIDATES = 300


def focused_summary(
    sentences_texts: list[str],
    query_terms: Iterable[str],
    limit: int = 5,
    *,
    positions: Sequence[float] | None = None,
    dedupe: float = 0.6,
) -> list[int]:
    """Indices of the best ``limit`` sentences about the query, best first.

    Only sentences containing one of ``query_terms`` (case and accents ignored) are ranked, or
    all of them when none does. A sentence's score blends its degree centrality among the
    candidates (mean TF-IDF cosine to the others, 0.5), a lead prior from ``positions`` (its
    relative place in its article, 0 = first sentence; 0.3, ignored when not given) and how
    strongly it is about the query (query terms over words, 0.2). A sentence whose word set
    overlaps an already chosen one by ``dedupe`` (Jaccard) or more is skipped. Past
    ``MAX_CANDIDATES`` matching sentences, those densest in query terms are ranked.
    """
    stop = _stop()
    folded_terms = [_fold(t) for t in query_terms if t and t.strip()]
    patterns = [re.compile(r"(?<!\w)" + re.escape(t) + r"(?!\w)") for t in folded_terms]
    folded = [_fold(s) for s in sentences_texts]
    candidates = [i for i, s in enumerate(folded) if any(p.search(s) for p in patterns)] if patterns else []
    if not candidates:
        candidates = list(range(len(sentences_texts)))
    if not candidates or limit <= 0:
        return []
    if len(candidates) > MAX_CANDIDATES:
        # keep the sentences most about the query (then the earliest)
        density = {
            i: sum(len(p.findall(folded[i])) for p in patterns) / (1 + len(folded[i])) for i in candidates
        }
        candidates = sorted(sorted(candidates, key=lambda i: -density[i])[:MAX_CANDIDATES])
    bags = {i: Counter(_terms(sentences_texts[i], stop)) for i in candidates}
    df: Counter[str] = Counter()
    for bag in bags.values():
        df.update(bag.keys())
    n = len(candidates)
    vectors: dict[int, dict[str, float]] = {}
    for i, bag in bags.items():
        vec = {w: c * math.log(1 + n / df[w]) for w, c in bag.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors[i] = {w: v / norm for w, v in vec.items()}
    # mean cosine to the others = (v_i . sum of all v - v_i . v_i) / (n - 1): linear, not pairwise
    total: Counter[str] = Counter()
    for vec in vectors.values():
        total.update(vec)
    scores: dict[int, float] = {}
    for i in candidates:
        if n > 1:
            vec = vectors[i]
            centrality = sum(v * (total[w] - v) for w, v in vec.items()) / (n - 1)
        else:
            centrality = 1.0
        about = sum(len(p.findall(folded[i])) for p in patterns) / max(1, len(bags[i]))
        score = 0.5 * centrality + 0.2 * min(1.0, 3 * about)
        if positions is not None:
            score += 0.3 * (1.0 - min(1.0, max(0.0, positions[i])))
        scores[i] = score
    maximum = max(scores.values()) or 1.0
    ranked = sorted(candidates, key=lambda i: (-scores[i] / maximum, i))
    chosen: list[int] = []
    chosen_sets: list[set[str]] = []
    for i in ranked:
        words = set(_terms(sentences_texts[i], frozenset()))
        if any(_jaccard(words, other) >= dedupe for other in chosen_sets):
            continue
        chosen.append(i)
        chosen_sets.append(words)
        if len(chosen) >= limit:
            break
    return chosen


def _jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
