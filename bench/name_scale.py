"""Entity names at scale: the /who entity index and query resolution with 5,000 to 300,000 names.

Usage: .venv/bin/python bench/name_scale.py [--names 5000,50000,300000] [--queries 200]

``bench/archive_scale.py`` measures a million articles that name 5,000 distinct entities; a real
archive of that size names far more (every person quoted once, every small company). What grows
with the number of distinct names is the entity index (``Briefings._entity_index``: the names
with their counts, the cross-article alias map and the /who look-up tables), rebuilt at most once
a minute while articles arrive, and the cost of resolving a /who query against it.

Names come from the archive generator's own model (``bench/synthetic.py``: Faker's English and
French first and last names, organisations, cities and countries, well-known names at fixed
ranks), mentions per name by Zipf's law (exponent 1.1) over 27 million mentions (what 1,000,000
synthetic articles hold). Each size runs in its own process (peak memory is per process):

* index build: ``EntityIndex.build`` (``NameIndex`` + ``link_across`` of the names that can
  link), median of 3; the process's peak RSS before and after the first build (the list the names
  are read from, standing in for the archive, is in "before"), and the resident memory the index
  holds once built (RSS after minus before);
* /who resolution (``NameIndex.resolve``), p50 and p95 per kind of query: exact names (drawn by
  mentions), surnames, demonyms and country aliases ("French", "UK"), names with one letter
  changed (answered with "did you mean" suggestions) and names that exist nowhere.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

MENTIONS = 27_000_000  # mentions in the 1,000,000-article synthetic archive


def known_names(count: int, seed: int = 1) -> list[tuple[str, str, int]]:
    """(name, type, mentions) of ``count`` names, most mentioned first, as ``entity_names()`` gives."""
    import synthetic

    entities = synthetic.Corpus._entities(random.Random(seed), count)
    weights = synthetic.zipf_weights(len(entities), 1.1)
    return [(e.name, e.type, max(1, round(MENTIONS * float(p)))) for e, p in zip(entities, weights)]


def queries(known: list[tuple[str, str, int]], per_kind: int, seed: int = 2) -> dict[str, list[str]]:
    rng = random.Random(seed)
    weights = [n for _, _, n in known]
    people = [name for name, kind, _ in known if kind == "PER" and " " in name]
    alphabet = "abcdefghijklmnopqrstuvwxyz"

    def typo(name: str) -> str:
        i = rng.randrange(len(name))
        return name[:i] + rng.choice(alphabet) + name[i + 1:]

    return {
        "exact name": [name for name, _, _ in rng.choices(known, weights=weights, k=per_kind)],
        "surname": [rng.choice(people).split()[-1] for _ in range(per_kind)],
        "demonym, country alias": [rng.choice(["French", "British", "German", "UK", "USA", "Azerbaijani",
                                               "Russian", "Chinese", "EU"]) for _ in range(per_kind)],
        "one letter changed": [typo(name) for name, _, _ in rng.choices(known[:2000], k=per_kind)],
        "unknown name": [f"Zq{rng.randrange(10**6)} Xv{rng.randrange(10**6)}" for _ in range(per_kind)],
    }


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def measure(count: int, per_kind: int) -> dict:
    """One size, in this process."""
    from archive_scale import rss_peak_mb

    from bot.briefings.service import EntityIndex
    from summarizer.entities import gazetteer

    gazetteer()  # loaded once per process by the bot's warm-up, not per index
    known = known_names(count)
    asked = queries(known, per_kind)
    rss_before, held_before = rss_peak_mb(), rss_now_mb()
    builds = []
    index = None
    for _ in range(3):
        index = None  # as Briefings._entity_index: the old index goes before a rebuild
        began = time.perf_counter()
        index = EntityIndex.build((0, 0, 0), iter(known))  # read once, as from the archive's cursor
        builds.append(time.perf_counter() - began)
        if len(builds) == 1:
            rss_after, held_after = rss_peak_mb(), rss_now_mb()
    resolve: dict[str, dict] = {}
    for kind, texts in asked.items():
        times, found = [], 0
        for text in texts:
            began = time.perf_counter()
            answer = index.names.resolve(text)
            times.append((time.perf_counter() - began) * 1000)
            found += bool(answer.found or answer.suggestions)
        resolve[kind] = {"p50_ms": pct(times, 50), "p95_ms": pct(times, 95), "answered": found / len(texts)}
    return {"names": len(known), "build_s": statistics.median(builds), "rss_before_mb": rss_before,
            "rss_after_build_mb": rss_after, "index_mb": held_after - held_before, "links": len(index.links),
            "resolve": resolve}


def rss_now_mb() -> float:
    """This process's resident memory now (VmRSS)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", default="5000,50000,300000", help="sizes, comma-separated")
    parser.add_argument("--queries", type=int, default=200, help="queries per kind (default 200)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "name_scale.json")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.queries)))
        return
    from archive_scale import machine_line

    results = []
    for size in (int(s) for s in args.names.split(",")):
        print(f"  {size:,} names ...", file=sys.stderr)
        child = subprocess.run([sys.executable, __file__, "--child", str(size), "--queries", str(args.queries)],
                               capture_output=True, text=True, check=True)
        results.append(json.loads(child.stdout.strip().splitlines()[-1]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(machine_line())
    print(f"\nEntity index build (median of 3) and peak RSS of a process holding the names "
          f"(gazetteers loaded); /who resolution, {args.queries} queries per kind, milliseconds\n")
    print("| distinct names | index build | peak RSS before → after build | index held | " +
          " | ".join(f"{kind} p50 / p95" for kind in results[0]["resolve"]) + " |")
    print("|---:|---:|---:|---:|" + "---:|" * len(results[0]["resolve"]))
    for r in results:
        cells = " | ".join(f"{v['p50_ms']:.2f} / {v['p95_ms']:.2f}" for v in r["resolve"].values())
        print(f"| {r['names']:,} | {r['build_s']:.2f} s | {r['rss_before_mb']:.0f} → {r['rss_after_build_mb']:.0f} MB "
              f"| {r['index_mb']:.0f} MB | {cells} |")


if __name__ == "__main__":
    main()
