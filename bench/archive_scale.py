"""Archive scale: /search, /who, /timeline and /digest latency on a synthetic archive of up to 1M articles.

    .venv/bin/python bench/archive_scale.py                       # generate up to 1,000,000 (30 min budget), then query
    .venv/bin/python bench/archive_scale.py --articles 100000 --minutes 5
    .venv/bin/python bench/archive_scale.py --queries-only         # query what is there
    .venv/bin/python bench/archive_scale.py --generate-only --minutes 10   # add 10 more minutes of articles

Generation (``bench/synthetic.py``) writes rows straight into the archive's own schema (the file
is opened with ``storage.Archive`` so the migrations create it), in batches of ``--batch``
articles, one transaction each, with the FTS5, entity-count and event-entity triggers firing
as they do on ingest (an archive made before migration 0005 is upgraded on open); the
texts are made in a second process while the first one writes. It is resumable (it goes on
from the largest article id; article ``i`` is the same whichever run writes it, the corpus
parameters are kept in ``<db>.synthetic.json``) and bounded (``--minutes``: no batch is started
after the budget; Ctrl-C or SIGTERM rolls back the batch in progress and keeps the others).

Queries run in a fresh process (so its peak RSS is its own) over ``Briefings(Archive(db))``
exactly as the bot builds it: the default page cache, no ANALYZE, the OS page cache warm after
the first call. Each operation is called once to warm up (reported as "first call") and then
``--reps`` times with random realistic arguments, or until ``--op-seconds`` have passed:

* search: 1–3 words (entity words such as "France" or "Aliyev", common words, rare words);
* who France; who / timeline of mixed entities (frequent, middling such as Ilham Aliyev, rare;
  full names and bare surnames), sometimes with a date range;
* timeline France;
* digest over the last day and the last week, "now" being the newest article's ingest time.

Latency is wall time of the ``Briefings`` call (what the handler awaits), not rendering or
Telegram. The goal (issue #8): p95 < 100 ms for each, RSS < 300 MB.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import resource
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import synthetic

from storage import Archive

DEFAULT_DB = ROOT / "bench" / "out" / "archive_scale.db"
GOAL_MS = 100.0
GOAL_RSS_MB = 300.0


def rss_peak_mb() -> float:
    """This process's own peak RSS (VmHWM). Not ru_maxrss: Linux carries a parent's peak into a
    child across fork and exec, so a child's ru_maxrss can be its parent's."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def page_cache_bytes(db: Path) -> int | None:
    """How much of the database file is in the OS page cache (util-linux ``fincore``; None without
    it). Latency depends on it: a name never asked about reads its rows from disk."""
    import shutil

    if not shutil.which("fincore"):
        return None
    try:
        out = subprocess.run(["fincore", "--bytes", "--noheadings", "--output", "RES", str(db)],
                             capture_output=True, text=True, timeout=60, check=True).stdout
        return int(out.split()[0])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None


def machine_line() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"Machine: {platform.machine()}, {os.cpu_count()} CPU cores, {memory:.0f} GiB RAM, "
            f"{platform.python_implementation()} {platform.python_version()}, SQLite {sqlite3.sqlite_version}")


def db_files(db: Path) -> dict[str, int]:
    return {suffix or "db": (Path(str(db) + suffix).stat().st_size if Path(str(db) + suffix).exists() else 0)
            for suffix in ("", "-wal", "-shm")}


def fmt_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{n:.0f} B"
        n /= 1024
    return f"{n:.1f} GB"


# -- generation --------------------------------------------------------------------------
_corpus: synthetic.Corpus | None = None


def _init_worker(params: dict) -> None:
    global _corpus
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    _corpus = corpus_from(params)


def _make_batch(first_id: int, size: int) -> synthetic.Batch:
    batch = _corpus.batch(first_id, size)
    batch.worker_rss_mb = rss_peak_mb()
    return batch


def corpus_from(params: dict) -> synthetic.Corpus:
    return synthetic.Corpus(seed=params["seed"], names=params["names"], target=params["target"],
                            end=datetime.fromisoformat(params["end"]), years=params["years"])


def load_params(db: Path, args) -> dict:
    meta = Path(str(db) + ".synthetic.json")
    if meta.exists():
        params = json.loads(meta.read_text())
        for key in ("seed", "names", "years", "target"):
            given = getattr(args, "articles" if key == "target" else key)
            if given is not None and given != params[key]:
                print(f"  note: {db.name} was started with {key}={params[key]}; keeping it (not {given})",
                      file=sys.stderr)
        return params
    params = {"seed": args.seed or 1, "names": args.names or 5000, "years": args.years or 6.0,
              "target": args.articles or 1_000_000,
              "end": datetime.now(UTC).replace(microsecond=0).isoformat()}
    meta.parent.mkdir(parents=True, exist_ok=True)
    meta.write_text(json.dumps(params, indent=2))
    return params


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def generate(db: Path, args) -> dict:
    # Ctrl-C, kill -INT (even when started in the background) and kill -TERM stop cleanly
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    params = load_params(db, args)
    archive = Archive(db)  # migrations create (or check) the schema
    conn = archive.db.conn
    conn.execute(f"PRAGMA cache_size = -{args.cache_mb * 1024}")  # a bulk loader's page cache
    start_id = (conn.execute("SELECT COALESCE(MAX(id), 0) FROM articles").fetchone()[0]) + 1
    target = params["target"]
    before = start_id - 1
    print(f"  {db}: {before:,} articles, target {target:,}, budget {args.minutes:g} min", file=sys.stderr)
    started = time.monotonic()
    deadline = started + args.minutes * 60
    written = 0
    counts = {t: 0 for t in ("mentions", "events", "roles", "quotes")}
    write_s = 0.0
    worker_rss = 0.0
    stopped = "target reached"
    next_id = start_id
    pending = []
    executor = ProcessPoolExecutor(max_workers=1, mp_context=get_context("fork"), initializer=_init_worker,
                                   initargs=(params,))

    def submit() -> None:
        nonlocal next_id
        if next_id <= target and time.monotonic() < deadline:
            size = min(args.batch, target - next_id + 1)
            pending.append(executor.submit(_make_batch, next_id, size))
            next_id += size

    try:
        submit()
        submit()  # one batch made ahead while the previous one is written
        while pending:
            batch = pending.pop(0).result()
            worker_rss = max(worker_rss, batch.worker_rss_mb)
            if time.monotonic() >= deadline:
                stopped = f"time budget ({args.minutes:g} min) spent"
                break
            began = time.monotonic()
            synthetic.write(conn, batch)
            write_s += time.monotonic() - began
            written += len(batch.articles)
            for table in counts:
                counts[table] += len(getattr(batch, table))
            submit()
            elapsed = time.monotonic() - started
            done = before + written
            rate = written / elapsed
            eta = (target - done) / rate if rate else 0
            print(f"\r  {done:>9,} articles  {rate:6.0f}/s  writer busy {write_s / elapsed:4.0%}  "
                  f"{elapsed / 60:5.1f} min, to target ≈{eta / 60:.0f} min ", end="", file=sys.stderr, flush=True)
        else:
            if before + written < target:
                stopped = f"time budget ({args.minutes:g} min) spent"
    except KeyboardInterrupt:
        stopped = "interrupted (the batch in progress was rolled back)"
    finally:
        for future in pending:
            future.cancel()
        executor.shutdown(wait=True, cancel_futures=True)
    print(file=sys.stderr)
    elapsed = time.monotonic() - started
    began = time.monotonic()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    checkpoint_s = time.monotonic() - began
    total = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    archive.close()
    return {
        "articles_before": before, "generated": written, "articles": total, "target": target,
        "seconds": elapsed, "rate": written / elapsed if elapsed else 0.0, "writer_busy": write_s / elapsed if elapsed else 0,
        "checkpoint_s": checkpoint_s, "stopped": stopped, "rows": counts, "batch": args.batch,
        "writer_rss_mb": rss_peak_mb(), "worker_rss_mb": worker_rss,
        "params": params, "load_end": os.getloadavg()[0],
    }


# -- queries -----------------------------------------------------------------------------
def pct(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def query_pools(corpus: synthetic.Corpus) -> dict[str, list[str]]:
    """What the random queries draw from (made by the parent: the query process stays lean)."""
    head = len(synthetic.HEAD)
    return {
        "real_words": corpus.vocab[head:1100],
        "rare_words": corpus.vocab[1100:20000],
        "name_words": [w for e in corpus.entities[:300] for w in e.name.split() if len(w) > 3],
        "frequent": [e.name for e in corpus.entities[:20]],
        "middling": [e.name for e in corpus.entities[20:300]] + ["Ilham Aliyev"] * 10,
        "rare": [e.name for e in corpus.entities[1000:]],
    }


def query_plan(pools: dict[str, list[str]], rng: random.Random, newest: datetime) -> dict[str, callable]:
    """Each operation -> a function drawing the next call's argument."""
    real_words, rare_words, name_words = pools["real_words"], pools["rare_words"], pools["name_words"]
    frequent, middling, rare = pools["frequent"], pools["middling"], pools["rare"]

    def search_query() -> str:
        words = []
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
            r = rng.random()
            words.append(rng.choice(name_words if r < 0.35 else real_words if r < 0.8 else rare_words))
        return " ".join(words)

    def entity() -> str:
        pool = rng.choice((frequent, middling, rare))
        name = rng.choice(pool)
        if " " in name and rng.random() < 0.2:
            name = name.split()[-1]  # "Aliyev": resolved as a surname
        return name

    def span() -> str:
        if rng.random() < 0.3:
            first = newest.year - rng.randint(0, 5)
            return f" {first}..{min(newest.year, first + rng.randint(0, 2))}"
        return ""

    now = newest + timedelta(seconds=1)
    until = now.isoformat()
    return {
        "search": lambda: search_query(),
        "who France": lambda: "France",
        "who (mixed entities)": entity,
        "timeline France": lambda: "France",
        "timeline (mixed entities)": lambda: entity() + span(),
        "digest, last day": lambda: ((now - timedelta(days=1)).isoformat(), until),
        "digest, last week": lambda: ((now - timedelta(days=7)).isoformat(), until),
    }


def run_queries(db: Path, args) -> dict:
    from bot.briefings import Briefings
    from bot.briefings.errors import EntityNotFound

    pools = json.loads(Path(args.pools).read_text())
    opened = time.perf_counter()
    briefings = Briefings(Archive(db))
    open_ms = (time.perf_counter() - opened) * 1000
    archive = briefings.archive
    articles = archive.count_articles()
    newest = datetime.fromisoformat(archive.db.execute("SELECT MAX(ingested_at) FROM articles").fetchone()[0])
    rng = random.Random(args.seed or 7)
    plan = query_plan(pools, rng, newest)
    rss_open = rss_peak_mb()
    load_start = os.getloadavg()[0]
    cached_start = page_cache_bytes(db)

    def call(op: str, value):
        if op == "search":
            return briefings.search(value, limit=6)  # the bot asks for a page of 5, plus one
        if op.startswith("who"):
            try:
                return briefings.who(value)
            except EntityNotFound:
                return None
        if op.startswith("timeline"):
            try:
                return briefings.timeline(value)
            except EntityNotFound:
                return None
        since, until = value
        return briefings.digest(since=since, until=until, limit=6)

    # once per process (the bot does it at start-up): gazetteers and language model
    began = time.perf_counter()
    briefings.warm_up()
    warm_up_ms = (time.perf_counter() - began) * 1000
    gc.freeze()  # as the bot does after start-up (bot/telegram/app.py)
    # the cost every who/timeline pays once per archive change (a new article): the entity index
    began = time.perf_counter()
    archive.version()
    version_ms = (time.perf_counter() - began) * 1000
    began = time.perf_counter()
    briefings._entity_index()
    index_ms = (time.perf_counter() - began) * 1000
    entity_names = archive.db.execute("SELECT COUNT(*) FROM entity_counts").fetchone()[0]

    results = {}
    only = set(args.ops.split(",")) if args.ops else None
    for op, draw in plan.items():
        if only and not any(o.strip() and o.strip() in op for o in only):
            continue
        began = time.perf_counter()
        call(op, draw())
        first = (time.perf_counter() - began) * 1000
        samples: list[float] = []
        sizes: list[int] = []
        slowest: list[tuple[float, str]] = []
        budget_end = time.monotonic() + args.op_seconds
        while len(samples) < args.reps and time.monotonic() < budget_end:
            value = draw()
            began = time.perf_counter()
            out = call(op, value)
            samples.append((time.perf_counter() - began) * 1000)
            sizes.append(size_of(out))
            slowest = sorted([*slowest, (samples[-1], str(value))], reverse=True)[:3]
        results[op] = {"first_ms": first, "n": len(samples), "p50_ms": pct(samples, 50) if samples else None,
                       "p95_ms": pct(samples, 95) if samples else None, "max_ms": max(samples, default=None),
                       "mean_items": statistics.mean(sizes) if sizes else None, "slowest": slowest}
        print(f"  {op}: first {first:.0f} ms, p50 {results[op]['p50_ms'] or 0:.0f} ms over {len(samples)}; slowest: "
              + ", ".join(f"{value!r} {ms:.0f} ms" for ms, value in slowest), file=sys.stderr)
    briefings.close()
    return {"articles": articles, "newest": newest.isoformat(), "open_ms": open_ms, "version_ms": version_ms,
            "entity_index_ms": index_ms, "entity_names": entity_names, "warm_up_ms": warm_up_ms, "ops": results, "rss_after_open_mb": rss_open, "rss_peak_mb": rss_peak_mb(),
            "files": db_files(db), "reps": args.reps, "op_seconds": args.op_seconds,
            "load": [load_start, os.getloadavg()[0]], "page_cache": [cached_start, page_cache_bytes(db)]}


def size_of(out) -> int:
    if out is None:
        return 0
    if isinstance(out, list):
        return len(out)
    for attr in ("events", "articles", "items"):
        if hasattr(out, attr):
            return len(getattr(out, attr))
    return 1


def table_sizes(db: Path) -> list[tuple[str, int]]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
    finally:
        conn.close()
    return rows


# -- report ------------------------------------------------------------------------------
def report(gen: dict | None, q: dict | None, sizes: list[tuple[str, int]] | None) -> None:
    print(f"\n{machine_line()}\n")
    if gen:
        print(f"Generation: {gen['generated']:,} articles in {gen['seconds'] / 60:.1f} min "
              f"({gen['rate']:.0f} articles/s, batches of {gen['batch']:,}, writer busy "
              f"{gen['writer_busy']:.0%}); stopped: {gen['stopped']}; archive now {gen['articles']:,} "
              f"of {gen['target']:,}; 1-minute load average at the end {gen.get('load_end', 0):.1f}\n")
        print("| rows written this run | count | per article |")
        print("|---|---:|---:|")
        n = max(gen["generated"], 1)
        print(f"| articles (+ summaries, FTS) | {gen['generated']:,} | 1 |")
        for table, count in gen["rows"].items():
            print(f"| {table} | {count:,} | {count / n:.1f} |")
        print(f"\nGenerator peak RSS: writer {gen['writer_rss_mb']:.0f} MB (page cache "
              f"{gen.get('cache_mb', 0)} MB), text worker {gen['worker_rss_mb']:.0f} MB\n")
    if q:
        files = q["files"]
        total = sum(files.values())
        print(f"Queries over {q['articles']:,} articles (newest ingested {q['newest']}); "
              f"up to {q['reps']} calls per operation or {q['op_seconds']} s, after one warm-up call; "
              f"milliseconds; 1-minute load average {q['load'][0]:.1f} at the start, {q['load'][1]:.1f} at the end\n")
        print("| operation | calls | first call | p50 | p95 | max | p95 < 100 ms |")
        print("|---|---:|---:|---:|---:|---:|:---:|")
        for op, r in q["ops"].items():
            if not r["n"]:
                print(f"| {op} | 0 | {r['first_ms']:.0f} | – | – | – | no |")
                continue
            ok = "yes" if r["p95_ms"] < GOAL_MS else "**no**"
            print(f"| {op} | {r['n']} | {r['first_ms']:.1f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
                  f"{r['max_ms']:.1f} | {ok} |")
        print(f"\nPaid by the first /who or /timeline after any change to the archive: "
              f"`Archive.version()` {q['version_ms']:.0f} ms on every call, entity index rebuild "
              f"{q['entity_index_ms']:.0f} ms ({q.get('entity_names', 0):,} names). Once per process: opening "
              f"the archive {q['open_ms']:.0f} ms, warm-up (gazetteers, language model) {q.get('warm_up_ms', 0):.0f} ms.\n")
        print("| measure | value | goal |")
        print("|---|---:|---:|")
        print(f"| database file | {fmt_bytes(files['db'])} | |")
        print(f"| WAL + shm | {fmt_bytes(files['-wal'] + files['-shm'])} | |")
        print(f"| total on disk / per article | {fmt_bytes(total)} / {fmt_bytes(total / max(q['articles'], 1))} | |")
        ok = "yes" if q["rss_peak_mb"] < GOAL_RSS_MB else "**no**"
        print(f"| peak RSS, query process | {q['rss_peak_mb']:.0f} MB ({ok}) | < {GOAL_RSS_MB:.0f} MB |")
        print(f"| RSS after opening the archive | {q['rss_after_open_mb']:.0f} MB | |")
        cached = q.get("page_cache") or [None, None]
        if cached[0] is not None and cached[1] is not None:
            print(f"| database in the OS page cache, start → end | {fmt_bytes(cached[0])} → {fmt_bytes(cached[1])} | |")
    if sizes:
        total = sum(s for _, s in sizes)
        print("\n| table or index | size | share |")
        print("|---|---:|---:|")
        for name, size in sizes[:16]:
            print(f"| {name} | {fmt_bytes(size)} | {size / total:.1%} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help=f"archive file (default {DEFAULT_DB.relative_to(ROOT)})")
    parser.add_argument("--articles", type=int, default=None, help="target size (default 1,000,000)")
    parser.add_argument("--minutes", type=float, default=30.0, help="generation time budget (default 30)")
    parser.add_argument("--batch", type=int, default=5000, help="articles per transaction (default 5000)")
    parser.add_argument("--cache-mb", type=int, default=256, help="generator's SQLite page cache (default 256)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--names", type=int, default=None, help="distinct entity names (default 5000)")
    parser.add_argument("--years", type=float, default=None, help="years the archive spans (default 6)")
    parser.add_argument("--queries-only", action="store_true", help="do not generate; query what is there")
    parser.add_argument("--generate-only", action="store_true", help="generate, then stop")
    parser.add_argument("--reps", type=int, default=50, help="calls per operation (default 50)")
    parser.add_argument("--op-seconds", type=float, default=60.0, help="time cap per operation (default 60)")
    parser.add_argument("--ops", default=None, help="only operations whose name contains one of these (comma-separated)")
    parser.add_argument("--sizes", action="store_true", help="also list table and index sizes (dbstat; reads the whole file)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "archive_scale.json")
    parser.add_argument("--query-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--pools", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.query_child:  # the query run, in a process of its own
        print(json.dumps(run_queries(args.db, args)))
        return
    gen = None
    if not args.queries_only:
        gen = generate(args.db, args)
        gen["cache_mb"] = args.cache_mb
    q = None
    if not args.generate_only:
        if not Path(str(args.db) + ".synthetic.json").exists():
            sys.exit(f"{args.db} has no synthetic archive; run without --queries-only first")
        params = json.loads(Path(str(args.db) + ".synthetic.json").read_text())
        pools = Path(str(args.db) + ".queries.json")
        pools.write_text(json.dumps(query_pools(corpus_from(params))))
        child = [sys.executable, __file__, "--query-child", "--db", str(args.db), "--reps", str(args.reps),
                 "--op-seconds", str(args.op_seconds), "--pools", str(pools)]
        if args.ops:
            child += ["--ops", args.ops]
        if args.seed:
            child += ["--seed", str(args.seed)]
        done = subprocess.run(child, stdout=subprocess.PIPE, text=True, check=False)
        if done.returncode:
            sys.exit(done.returncode)
        q = json.loads(done.stdout.strip().splitlines()[-1])
    sizes = table_sizes(args.db) if args.sizes else None
    report(gen, q, sizes)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(args.out.read_text()) if args.out.exists() else {}
    record = {"machine": machine_line(), "generation": gen or previous.get("generation"),
              "queries": q or previous.get("queries"), "sizes": sizes or previous.get("sizes")}
    args.out.write_text(json.dumps(record, indent=2, default=str))


if __name__ == "__main__":
    main()
