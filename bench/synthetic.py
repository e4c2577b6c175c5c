"""Synthetic news articles for scale tests, as archive rows (no NLP pipeline per article).

Used by ``bench/archive_scale.py``. Each article is written the way ``Briefings.ingest_*`` would
store it after analysis: an ``articles`` row (title, 300–700-word text, source, URL,
publication and ingest times, content hash), its 3-sentence ``newsrank`` summary, entity
``mentions`` whose offsets point at the name in the text (full names, surnames, demonyms
"French" and capital metonyms "Paris" for countries), dated ``events`` (the sentence holding
a date expression, with the names in it), ``roles`` ("French President Emmanuel Macron"),
``quotes`` ("…," said Macron) and the ``story_terms`` a digest groups stories by.

The model:

* words: a ranked vocabulary of 60,000 (English function words in frequency order, then
  common English and news words, then a tail of pseudo-words), drawn with Zipf's law
  (p ∝ 1/rank), so posting lists in the full-text index have a natural spread;
* entities: a ranked list of ``names`` people (Faker's English and French first/last names),
  organisations and places (the summarizer's own gazetteer of countries and cities), drawn per
  article with Zipf's law (exponent 1.1); well-known names sit at fixed ranks: "United States"
  1st, "France" 6th, "Emmanuel Macron" 12th, "Ilham Aliyev" 60th. An article names 3–9 of them,
  the first ones most often, about one mention every 15 words;
* time: article ``i`` of ``target`` is ingested at ``start + i/target × span`` (± 2 hours),
  published 0–12 hours earlier (65 % with a time, 30 % a bare day, 5 % unknown); events are
  mostly days in the week before publication, otherwise months (last two years) or years
  (last 30 years).

Everything for article ``i`` comes from a generator seeded with (seed, first id of its batch),
so a resumed run writes what an uninterrupted one would have.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np

from bot.briefings.digest import article_terms
from storage import content_hash
from summarizer.dates import value_span

SUMMARY_METHOD = "newsrank"  # summarizer.DEFAULT_METHOD: digests read these cached summaries
SUMMARY_SENTENCES = 3  # Briefings' default summary length

# The most frequent English words, most frequent first (function words of any news text).
HEAD = (
    "the of and to a in that is for on it with as was he be by at said his from have are not this "
    "but had they has an were which their been its who will after more also or would one new two "
    "people over than year first about there when up last out other she all her could into some "
    "government no years what time so can them we if just only most week made may while before "
    "three since under told against now many between because officials still during where such "
    "those both during back being these any through then several those did four well former "
    "percent million country minister state public police president national support"
).split()

NEWS = (
    "council budget harbour ferry strike election court ruling market prices energy grid school "
    "hospital river bridge report union wages tourism storm flood harvest port railway airport "
    "contract tender museum festival transport climate water housing parliament sanctions talks "
    "ceasefire border troops embassy summit treaty agreement negotiations investment inflation "
    "interest bank exports imports pipeline gas oil refinery drought wildfire earthquake protest "
    "opposition coalition vote referendum campaign candidate ballot turnout minister spokesman "
    "statement interview decree law bill amendment constitution prosecutor trial verdict appeal "
    "sentence prison arrest investigation corruption fraud scandal resignation appointment cabinet "
    "delegation visit mission peacekeeping refugees humanitarian aid donors reconstruction mines "
    "drones missiles artillery offensive frontline shelling casualties wounded killed injured "
    "evacuation vaccine outbreak pandemic clinic doctors nurses teachers students university "
    "research satellite launch telecom broadband startup merger acquisition shares shareholders "
    "dividend earnings quarterly revenue profit losses deficit subsidy tariff quota customs "
    "shipping container freight logistics wheat grain fertiliser farmers fisheries forestry "
    "emissions renewable solar wind nuclear reactor hydropower electricity blackout heating"
).split()

SYLLABLES = ("ka", "ro", "mi", "te", "sa", "lo", "ven", "dar", "ul", "est", "an", "or", "is", "bel",
             "tor", "gra", "min", "sol", "ver", "nu", "pa", "que", "li", "zan", "chi", "mor", "ath")

OUTLETS = (
    "Reuters", "Associated Press", "AFP", "BBC News", "News.Az", "AzerNews", "Le Monde", "Le Figaro",
    "France 24", "Euronews", "The Guardian", "The New York Times", "Politico Europe", "Deutsche Welle",
    "Trend", "APA", "Report.az", "Caliber", "Eurasianet", "OC Media", "RFE/RL", "Al Jazeera",
    "Financial Times", "Bloomberg", "The Economist", "Kommersant", "TASS", "Anadolu Agency",
    "Daily Sabah", "Hürriyet Daily News", "Armenpress", "Asbarez", "civil.ge", "Interfax",
)

# Well-known names at fixed ranks: (rank, name, type, role line or None)
PINNED = [
    (1, "United States", "LOC", None), (2, "Russia", "LOC", None), (3, "European Union", "ORG", None),
    (4, "Azerbaijan", "LOC", None), (5, "Donald Trump", "PER", "US President"), (6, "France", "LOC", None),
    (7, "Armenia", "LOC", None), (8, "Ukraine", "LOC", None), (9, "Turkey", "LOC", None),
    (10, "United Nations", "ORG", None), (11, "Baku", "LOC", None), (12, "Emmanuel Macron", "PER", "French President"),
    (14, "Germany", "LOC", None), (16, "NATO", "ORG", None), (18, "Georgia", "LOC", None),
    (20, "Vladimir Putin", "PER", "Russian President"), (24, "Iran", "LOC", None), (28, "China", "LOC", None),
    (35, "Nikol Pashinyan", "PER", "Armenian Prime Minister"), (45, "Washington", "LOC", None),
    (60, "Ilham Aliyev", "PER", "Azerbaijani President"), (75, "Jean-Noël Barrot", "PER", "French Foreign Minister"),
    (90, "OSCE Minsk Group", "ORG", None), (120, "Karabakh", "LOC", None), (150, "South Caucasus", "LOC", None),
    (300, "Jeyhun Bayramov", "PER", "Azerbaijani Foreign Minister"), (800, "Zaur Nurmamedov", "PER", "journalist"),
]

ROLE_TITLES = ("President", "Prime Minister", "Foreign Minister", "Defence Minister", "Finance Minister",
               "ambassador", "spokesperson", "opposition leader", "chief executive", "central bank governor",
               "mayor", "MP", "general", "analyst", "economist", "lawyer", "correspondent")
ORG_FORMS = ("Ministry of {}", "{} Bank", "{} Group", "{} Holdings", "{} Institute", "{} University",
             "{} Energy", "{} Party", "{} Foundation", "{} Airlines", "National {} Agency", "{} Council")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
ISO = "%Y-%m-%dT%H:%M:%S+00:00"


@dataclass(frozen=True)
class Entity:
    name: str
    type: str
    surfaces: tuple[tuple[str, str], ...]  # (surface, form) for mentions after the first
    role: str | None = None


@dataclass
class Batch:
    """Rows for ``executemany``, one list per table, ready to insert."""

    first_id: int
    articles: list[tuple]
    summaries: list[tuple]
    mentions: list[tuple]
    events: list[tuple]
    roles: list[tuple]
    quotes: list[tuple]
    story_terms: list[tuple]
    worker_rss_mb: float = 0.0  # peak RSS of the process that made it


def zipf_weights(n: int, exponent: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** exponent
    return weights / weights.sum()


class Corpus:
    """The fixed vocabulary, entity list and time span; ``batch()`` makes rows."""

    def __init__(self, *, seed: int = 1, names: int = 5000, target: int = 1_000_000, end: datetime | None = None,
                 years: float = 6.0, vocabulary: int = 60_000) -> None:
        self.seed, self.target, self.years = seed, target, years
        self.end = (end or datetime.now(UTC)).replace(microsecond=0)
        self.span = timedelta(days=365.25 * years)
        self.start = self.end - self.span
        rng = random.Random(seed)
        self.vocab = self._vocabulary(rng, vocabulary)
        self.word_p = zipf_weights(len(self.vocab), 1.0)
        self.content_from = len(HEAD)  # titles and quotes lean on content words
        self.entities = self._entities(rng, names)
        self.entity_p = zipf_weights(len(self.entities), 1.1)
        self.outlets = list(OUTLETS) + [f"{w.capitalize()} {s}" for w in rng.sample(NEWS, 60)
                                         for s in (rng.choice(("Times", "Daily", "Post", "Herald", "Wire")),)]
        self.outlet_p = zipf_weights(len(self.outlets), 1.0)

    # -- fixed lists ---------------------------------------------------------------------
    @staticmethod
    def _vocabulary(rng: random.Random, size: int) -> list[str]:
        from faker.providers.lorem.en_US import Provider as Lorem

        words: list[str] = []
        seen: set[str] = set()
        for word in HEAD:
            if word not in seen:
                seen.add(word)
                words.append(word)
        middle = [w for w in dict.fromkeys(list(NEWS) + list(Lorem.word_list)) if w not in seen]
        rng.shuffle(middle)
        words += middle
        seen.update(middle)
        while len(words) < size:  # the long tail: rare words, made of syllables
            word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3, 3, 4))))
            if word not in seen:
                seen.add(word)
                words.append(word)
        return words[:size]

    @staticmethod
    def _entities(rng: random.Random, count: int) -> list[Entity]:
        from faker.providers.person.en_US import Provider as English
        from faker.providers.person.fr_FR import Provider as French

        from summarizer.entities import gazetteer

        gaz = gazetteer()
        demonyms: dict[str, list[str]] = {}
        for form, country in gaz.demonyms.items():
            if not form.endswith("s") or form.endswith("ese"):
                demonyms.setdefault(country, []).append(form)
        capitals: dict[str, str] = {}
        for city, country in gaz.capitals.items():
            capitals.setdefault(country, city)
        country_names = sorted(set(gaz.countries.values()))
        cities = [name for name, _ in sorted(gaz.cities.items(), key=lambda kv: -kv[1])[:3000]]

        def place(name: str) -> Entity:
            surfaces = [(name, "name")] * 3
            surfaces += [(d, "demonym") for d in demonyms.get(name, [])[:1]]
            if name in capitals:
                surfaces.append((capitals[name], "metonym"))
            return Entity(name, "LOC", tuple(surfaces))

        def person(name: str, role: str | None) -> Entity:
            surname = name.split()[-1]
            return Entity(name, "PER", ((surname, "name"), (surname, "name"), (name, "name")), role)

        pinned = {rank: (name, kind, role) for rank, name, kind, role in PINNED}
        used = {name for _, name, _, _ in PINNED}
        firsts = list(English.first_names) + list(French.first_names)
        lasts = list(English.last_names) + list(French.last_names)
        pool: list[Entity] = []
        kinds = ["PER"] * 45 + ["LOC"] * 30 + ["ORG"] * 25
        countries = [c for c in country_names if c not in used]
        rng.shuffle(countries)
        while len(pool) < count:
            kind = rng.choice(kinds)
            if kind == "LOC":
                name = countries.pop() if countries and rng.random() < 0.3 else rng.choice(cities)
            elif kind == "PER":
                name = f"{rng.choice(firsts)} {rng.choice(lasts)}"
            else:
                name = rng.choice(ORG_FORMS).format(rng.choice(lasts) if rng.random() < 0.6 else
                                                    rng.choice(country_names))
            if name in used or not name.strip():
                continue
            used.add(name)
            if kind == "LOC":
                pool.append(place(name))
            elif kind == "PER":
                nationality = rng.choice(list(demonyms.values()) or [["local"]])[0]
                pool.append(person(name, f"{nationality} {rng.choice(ROLE_TITLES)}"))
            else:
                pool.append(Entity(name, "ORG", ((name, "name"),)))
        ranked: list[Entity] = []
        it = iter(pool)
        for rank in range(1, count + 1):
            if rank in pinned:
                name, kind, role = pinned[rank]
                ranked.append(place(name) if kind == "LOC" else person(name, role) if kind == "PER"
                              else Entity(name, kind, ((name, "name"),)))
            else:
                ranked.append(next(it))
        return ranked

    # -- rows ----------------------------------------------------------------------------
    def batch(self, first_id: int, size: int) -> Batch:
        """Rows of articles ``first_id`` .. ``first_id + size - 1``."""
        rng = random.Random(self.seed * 1_000_003 + first_id)
        nprng = np.random.default_rng([self.seed, first_id])
        out = Batch(first_id, [], [], [], [], [], [], [])
        lengths = nprng.integers(300, 701, size)
        words = nprng.choice(len(self.vocab), size=int(lengths.sum() * 1.15) + 64, p=self.word_p)
        ents = nprng.choice(len(self.entities), size=size * 16, p=self.entity_p)
        outlets = nprng.choice(len(self.outlets), size=size, p=self.outlet_p)
        vocab = self.vocab
        cursor = 0
        for k in range(size):
            article_id = first_id + k
            n_words = int(lengths[k])
            chunk = [vocab[i] for i in words[cursor:cursor + n_words]]
            cursor += n_words
            picked = list(dict.fromkeys(ents[k * 16:(k + 1) * 16].tolist()))[:rng.randint(3, 9)]
            self._article(rng, article_id, chunk, [self.entities[i] for i in picked],
                          self.outlets[int(outlets[k])], out)
        return out

    def _article(self, rng: random.Random, article_id: int, words: list[str], ents: list[Entity], source: str,
                 out: Batch) -> None:
        # time
        frac = (article_id - 0.5) / self.target
        ingested = self.start + self.span * min(frac, 1.0) + timedelta(seconds=rng.uniform(-7200, 7200))
        ingested = min(ingested, self.end)
        published = ingested - timedelta(seconds=rng.uniform(0, 12 * 3600))
        kind = rng.random()
        published_at = (published.strftime(ISO) if kind < 0.65 else published.date().isoformat() if kind < 0.95
                        else None)
        today = published.date()

        weights = [1.0 / (i + 1) for i in range(len(ents))]
        text_parts: list[str] = []
        pos = 0
        mentions: list[tuple] = []
        events: list[tuple] = []
        roles: list[tuple] = []
        quotes: list[tuple] = []
        sentences: list[str] = []
        seen: set[str] = set()
        n_events = rng.randint(1, 4)
        event_at = set(rng.sample(range(2, 20), n_events))
        i = 0
        s_index = 0
        paragraph_left = rng.randint(2, 5)
        while i < len(words):
            n = rng.randint(10, 28)
            body = words[i:i + n]
            i += n
            if not body:
                break
            pieces: list[str] = []
            local: list[tuple[Entity, str, str, int]] = []  # (entity, surface, form, offset in sentence)
            timex = None
            if s_index in event_at:
                timex, value, precision, explicit = self._timex(rng, today)
                pieces.append(timex + ",")
            is_quote = s_index > 2 and rng.random() < 0.06 and any(e.type == "PER" for e in ents)
            # one or two names per sentence, most sentences
            n_names = rng.choices((0, 1, 2), weights=(0.25, 0.5, 0.25))[0]
            slots = sorted(rng.sample(range(len(body)), min(n_names, len(body))))
            chosen = rng.choices(ents, weights=weights, k=len(slots)) if ents else []
            if is_quote:
                chosen, slots = [], []
            prev = 0
            for slot, entity in zip(slots, chosen):
                pieces.extend(body[prev:slot])
                prev = slot
                if entity.name not in seen or entity.type != "PER":
                    surface, form = (entity.name, "name") if entity.name not in seen else rng.choice(entity.surfaces)
                else:
                    surface, form = rng.choice(entity.surfaces)
                if entity.type == "PER" and entity.name not in seen and entity.role and rng.random() < 0.6:
                    pieces.append(entity.role)
                    local.append((entity, "", "role", 0))
                seen.add(entity.name)
                local.append((entity, surface, form, 0))
                pieces.append(surface)
            pieces.extend(body[prev:])
            if is_quote:
                speaker = rng.choice([e for e in ents if e.type == "PER"])
                inner = " ".join(body).capitalize()
                sentence = f"“{inner},” said {speaker.name.split()[-1]}."
                start = pos
                quotes.append((article_id, speaker.name, inner, start + 1, start + 1 + len(inner)))
                surname = speaker.name.split()[-1]
                offset = start + len(sentence) - len(surname) - 1
                mentions.append((article_id, speaker.name, surname, "PER", offset, offset + len(surname), "name"))
                seen.add(speaker.name)
            else:
                sentence = " ".join(pieces)
                sentence = sentence[:1].upper() + sentence[1:] + "."
                start = pos
                # offsets of names: walk the pieces again
                offset = start
                names_here: list[str] = []
                li = 0
                role_start = None
                for piece in pieces:
                    if li < len(local) and local[li][2] == "role" and piece == local[li][0].role:
                        role_start = offset
                        li += 1
                    elif li < len(local) and piece == local[li][1]:
                        entity, surface, form, _ = local[li]
                        mentions.append((article_id, entity.name, surface, entity.type, offset,
                                         offset + len(surface), form))
                        if role_start is not None:
                            roles.append((article_id, entity.name, entity.role, role_start, role_start + len(entity.role)))
                            role_start = None
                        names_here.append(entity.name)
                        li += 1
                    offset += len(piece) + 1
                if timex is not None:
                    span = value_span(value)
                    events.append((article_id, value, precision, span[0].isoformat(), span[1].isoformat(),
                                   explicit, sentence, timex, json.dumps(list(dict.fromkeys(names_here)),
                                                                         ensure_ascii=False),
                                   start, start + len(sentence), None, None))
            sentences.append(sentence)
            text_parts.append(sentence)
            pos += len(sentence)
            paragraph_left -= 1
            sep = " "
            if paragraph_left == 0:
                sep = "\n\n"
                paragraph_left = rng.randint(2, 5)
            text_parts.append(sep)
            pos += len(sep)
            s_index += 1
        text = "".join(text_parts).rstrip()
        title_words = [w for w in rng.sample(words, min(8, len(words))) if w not in HEAD[:40]][:rng.randint(4, 8)]
        lead = ents[0].name if ents else "Officials"
        title = f"{lead} {' '.join(title_words)}"
        if len(ents) > 1 and rng.random() < 0.5:
            title += f" as {ents[1].name} {rng.choice(NEWS)}"
        title = title[:1].upper() + title[1:]
        url = None
        if rng.random() < 0.9:
            slug = "-".join(title.lower().split()[:8]).replace("/", "")
            url = f"https://{source.lower().replace(' ', '').replace('/', '')}.example/{published:%Y/%m}/{slug}-{article_id}"
        out.articles.append((article_id, title, text, source, url, "en", published_at, ingested.strftime(ISO),
                             content_hash(text), "feed" if url else "text", "[]"))
        out.summaries.append((article_id, SUMMARY_METHOD, SUMMARY_SENTENCES,
                              json.dumps(sentences[:SUMMARY_SENTENCES], ensure_ascii=False), ingested.strftime(ISO)))
        out.story_terms.append((article_id, article_terms(title, text)))
        out.mentions.extend(mentions)
        out.events.extend(events)
        out.roles.extend(roles)
        out.quotes.extend(quotes)

    @staticmethod
    def _timex(rng: random.Random, today: date) -> tuple[str, str, str, int]:
        """(text, TimeML value, precision, explicit) of a date expression near ``today``."""
        r = rng.random()
        if r < 0.6:
            day = today - timedelta(days=rng.randint(0, 6))
            if rng.random() < 0.5 and day != today:
                return f"On {WEEKDAYS[day.weekday()]}", day.isoformat(), "day", 0
            return f"On {day.day} {MONTHS[day.month - 1]} {day.year}", day.isoformat(), "day", 1
        if r < 0.8:
            index = today.year * 12 + today.month - 1 - rng.randint(0, 24)
            year, month = divmod(index, 12)
            return f"In {MONTHS[month]} {year}", f"{year:04d}-{month + 1:02d}", "month", 1
        year = today.year - rng.randint(0, 30)
        return f"In {year}", f"{year:04d}", "year", 1


ARTICLE_COLUMNS = ("id", "title", "text", "source", "url", "language", "published_at", "ingested_at",
                   "content_hash", "origin", "warnings")
INSERTS = {
    "articles": f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}) VALUES ({', '.join('?' * len(ARTICLE_COLUMNS))})",
    "summaries": "INSERT INTO summaries (article_id, method, sentences, summary, created_at) VALUES (?, ?, ?, ?, ?)",
    "mentions": 'INSERT INTO mentions (article_id, name, surface, type, start, "end", form) VALUES (?, ?, ?, ?, ?, ?, ?)',
    "events": ("INSERT INTO events (article_id, date, precision, date_start, date_end, explicit, line, timex, "
               'entities, start, "end", modifier, range_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    "roles": 'INSERT INTO roles (article_id, name, description, start, "end") VALUES (?, ?, ?, ?, ?)',
    "quotes": 'INSERT INTO quotes (article_id, speaker, text, start, "end") VALUES (?, ?, ?, ?, ?)',
    "story_terms": "INSERT INTO story_terms (article_id, terms) VALUES (?, ?)",
}


def write(conn, batch: Batch) -> None:
    """Insert one batch in one transaction (FTS5 triggers fire on the articles)."""
    with conn:
        for table, sql in INSERTS.items():
            conn.executemany(sql, getattr(batch, table))
