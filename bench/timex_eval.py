"""Quality of the temporal tagger (summarizer.dates) on open gold data; prints Markdown tables.

Usage: .venv/bin/python bench/timex_eval.py [--eval ../shared/eval] [--runs 3] [--errors]

1. MEANTIME English (``meantime_en/docs.jsonl``: 120 Wikinews articles, CC BY 4.0). Its TIMEX3
   layer covers each article's title, dateline and first four body sentences (sentence ids
   0-5), so the tagger runs on the whole text, with the document creation time (``dct``) as its
   reference date, and only what it finds in that region is scored. The two articles without
   a dct get no reference date (their relative expressions stay unresolved and count as wrong
   values); ``03-02-2009`` is read day-first, as the gold values show. TimeML writes a range
   ("from 2009 to 2011") as its two ends, so the tagger is asked for them that way
   (``ranges=False``). Two rows: every gold TIMEX3, and without the dateline TIMEX3
   (``functionInDocument = CREATION_TIME``, one per article, easy; the tagger's expressions
   that overlap it are then left out too).

   * strict P/R/F1: the same start and end offsets as a gold TIMEX3;
   * relaxed P/R/F1: overlapping spans, matched one to one (largest overlap first, then the
     closest length);
   * type and value accuracy: over the relaxed matches, DATE/TIME/DURATION/SET and the TimeML
     value string equal to the gold ones.

2. SemEval-2015 Task 4 timelines (``semeval2015_timeline/``: the same 120 articles, CC BY 3.0).
   For each target entity the gold timeline lists the events it takes part in, each dated
   (``2008-03-01``, ``2010-02-XX``) or not. Every gold mention of a dated event (year or finer)
   gets the tagger's date: the DATE/TIME expression of year precision or finer in the mention's
   sentence nearest to the event word, leaving out bounds ("its lowest level since 1997", "by
   2012", "until Friday": not when the event happened); a sentence with none falls back to the
   article's dct (news reports what happened on the day of the report). The baseline dates
   every mention with the dct.

The rules were written while reading the errors on MEANTIME (there is no held-out English
TimeML set here), so the MEANTIME scores are development scores: expect somewhat lower ones on
unseen text.

   * date accuracy: the date agrees with the gold date on each part the gold gives (year,
     month, day) and is at least as precise;
   * anchored: share of mentions whose sentence holds a dated expression (the sentences that
     /timeline turns into events), and the date accuracy on those alone;
   * Kendall tau: per entity, over the pairs of gold events with different gold order numbers
     (order 0 and undated events left out; each event by its first mention),
     (concordant - discordant) / pairs, where a pair the dates do not separate counts 0
     (tau-a); the mean over entities with at least two ordered events.

3. Throughput: ``find_timexes`` over the 120 MEANTIME texts, documents per second, median of
   ``--runs`` runs after a warm-up.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import statistics
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.dates import Timex, find_timexes, precision_of, sort_key, value_span  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
ANNOTATED_SENTENCES = 5  # MEANTIME annotates sentence ids 0..5 of each article
BOUNDS = ("SINCE", "BEFORE", "AFTER", "UNTIL")
DATED = ("year", "half", "quarter", "season", "month", "week", "day", "hour", "minute", "second")


def parse_dct(raw: str | None) -> date | None:
    if raw and re.fullmatch(r"\d{4}-\d\d-\d\d", raw):
        return date.fromisoformat(raw)
    if raw and (match := re.fullmatch(r"(\d\d)-(\d\d)-(\d{4})", raw)):
        return date(int(match[3]), int(match[2]), int(match[1]))
    return None


def load_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def prf(tp: int, n_system: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_system if n_system else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# MEANTIME --------------------------------------------------------------------------------------


def match_relaxed(gold: list[dict], system: list[Timex]) -> list[tuple[dict, Timex]]:
    """One-to-one matches of overlapping spans: largest overlap first, then the closest length."""
    pairs = []
    for gi, g in enumerate(gold):
        for si, s in enumerate(system):
            overlap = min(g["end"], s.end) - max(g["start"], s.start)
            if overlap > 0:
                pairs.append((-overlap, abs((g["end"] - g["start"]) - (s.end - s.start)), gi, si))
    used_gold, used_system, matched = set(), set(), []
    for _, _, gi, si in sorted(pairs):
        if gi not in used_gold and si not in used_system:
            used_gold.add(gi)
            used_system.add(si)
            matched.append((gold[gi], system[si]))
    return matched


def show(text: str, start: int, end: int) -> str:
    return repr(text[max(0, start - 50):end + 30])


def meantime(docs: list[dict], tagged: dict[str, list[Timex]], with_dateline: bool, errors: bool) -> dict:
    n_gold = n_system = strict = 0
    relaxed: list[tuple[dict, Timex]] = []
    for doc in docs:
        text, sentences = doc["text"], doc["sentences"]
        region_end = sentences[ANNOTATED_SENTENCES + 1]["start"] if len(sentences) > 6 else len(text)
        gold = [t for t in doc["timexes"] if t["start"] < region_end]
        system = [t for t in tagged[doc["doc_id"]] if t.start < region_end]
        if not with_dateline:
            dateline = [t for t in gold if t.get("functionInDocument") == "CREATION_TIME"]
            gold = [t for t in gold if t not in dateline]
            system = [s for s in system
                      if not any(s.start < d["end"] and d["start"] < s.end for d in dateline)]
        n_gold += len(gold)
        n_system += len(system)
        strict += len({(t["start"], t["end"]) for t in gold} & {(s.start, s.end) for s in system})
        pairs = match_relaxed(gold, system)
        relaxed += pairs
        if errors:
            found_gold = [id(g) for g, _ in pairs]
            found_system = [id(s) for _, s in pairs]
            for g in gold:
                if id(g) not in found_gold:
                    print(f"missed {g['text']!r} {g['type']} {g['value']}: "
                          f"{show(text, g['start'], g['end'])}")
            for s in system:
                if id(s) not in found_system:
                    print(f"extra  {s.text!r} {s.kind} {s.value}: {show(text, s.start, s.end)}")
            for g, s in pairs:
                if (g["type"], g["value"]) != (s.kind, s.value):
                    print(f"value  {g['text']!r} gold {g['type']} {g['value']}, tagged {s.kind} {s.value} "
                          f"(dct {doc['dct']}): {show(text, g['start'], g['end'])}")
    matches = len(relaxed) or 1
    return {
        "gold": n_gold,
        "system": n_system,
        "strict": prf(strict, n_system, n_gold),
        "relaxed": prf(len(relaxed), n_system, n_gold),
        "type": sum(g["type"] == s.kind for g, s in relaxed) / matches,
        "value": sum(g["value"] == s.value for g, s in relaxed) / matches,
    }


# SemEval-2015 timelines -------------------------------------------------------------------------


def known_parts(value: str | None) -> tuple[int | None, int | None, int | None]:
    """The (year, month, day) a value pins down, None where it does not."""
    span = value_span(value)
    if span is None:
        return None, None, None
    first, last = span
    year = first.year if first.year == last.year else None
    month = first.month if year is not None and first.month == last.month else None
    day = first.day if month is not None and first == last else None
    return year, month, day


def agrees(system: str | None, gold: str) -> bool:
    """True when ``system`` gives every part of the gold date ("2010-02-XX": year and month)."""
    wanted = [int(part) if part.isdigit() else None for part in (gold.split("-") + ["XX", "XX"])[:3]]
    return all(w is None or w == h for w, h in zip(wanted, known_parts(system), strict=False))


def sentence_date(doc: dict, timexes: list[Timex], sent_id: int, event: str) -> str | None:
    """The value of the dated expression of the sentence nearest to the event word, if any."""
    start = doc["sentences"][sent_id]["start"]
    end = start + len(doc["sentences"][sent_id]["text"])
    dated = [t for t in timexes if start <= t.start < end and t.kind in ("DATE", "TIME") and t.value
             and precision_of(t.value) in DATED and t.modifier not in BOUNDS]
    if not dated:
        return None
    words = [e["start"] for e in doc["events"] if e["sent_id"] == sent_id and e["text"] == event]
    anchor = words[0] if words else start
    return min(dated, key=lambda t: min(abs(t.start - anchor), abs(t.end - anchor))).value


def kendall_tau(ordered: list[tuple[int, str | None]]) -> float:
    """(concordant - discordant) / pairs with different gold order; undecided pairs count 0."""
    concordant = discordant = pairs = 0
    for i, (order_i, value_i) in enumerate(ordered):
        for order_j, value_j in ordered[i + 1:]:
            if order_i == order_j:
                continue
            pairs += 1
            key_i, key_j = sort_key(value_i), sort_key(value_j)
            if key_i == key_j or key_i[0] or key_j[0]:
                continue
            if (key_i < key_j) == (order_i < order_j):
                concordant += 1
            else:
                discordant += 1
    return (concordant - discordant) / pairs


def semeval(eval_dir: Path) -> dict:
    docs = {d["doc_id"]: d for d in load_jsonl(eval_dir / "semeval2015_timeline" / "docs.jsonl")}
    timelines = load_jsonl(eval_dir / "semeval2015_timeline" / "timelines.jsonl")
    tagged = {doc_id: find_timexes(d["text"], parse_dct(d["dct"])) for doc_id, d in docs.items()}
    counts: Counter = Counter()
    taus: dict[str, list[float]] = {"tagger": [], "dct": []}
    for timeline in timelines:
        ordered: dict[str, list[tuple[int, str | None]]] = {"tagger": [], "dct": []}
        for row in timeline["timeline"]:
            if row["date"].startswith("XXXX"):
                continue
            first = True
            for mention in row["mentions"]:
                doc = docs.get(mention["doc_id"])
                if doc is None or mention["sentence"] is None or mention["sent_id"] >= len(doc["sentences"]):
                    continue
                dct = parse_dct(doc["dct"])
                baseline = dct.isoformat() if dct else None
                anchored = sentence_date(doc, tagged[doc["doc_id"]], mention["sent_id"], mention["event"])
                ours = anchored or baseline
                counts["mentions"] += 1
                counts["tagger"] += agrees(ours, row["date"])
                counts["dct"] += agrees(baseline, row["date"])
                if anchored:
                    counts["anchored"] += 1
                    counts["anchored tagger"] += agrees(anchored, row["date"])
                    counts["anchored dct"] += agrees(baseline, row["date"])
                if first and row["order"] > 0:
                    ordered["tagger"].append((row["order"], ours))
                    ordered["dct"].append((row["order"], baseline))
                    first = False
        if len({order for order, _ in ordered["tagger"]}) >= 2:
            for name in taus:
                taus[name].append(kendall_tau(ordered[name]))
    counts["entities"] = len(taus["tagger"])
    return {"counts": counts, "tau": {name: statistics.mean(values) for name, values in taus.items()}}


# Main -------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval", type=Path, default=EVAL, help="the folder of the evaluation data")
    parser.add_argument("--runs", type=int, default=3, help="timing runs (the median is shown)")
    parser.add_argument("--errors", action="store_true", help="list misses, extras and wrong values first")
    args = parser.parse_args()

    docs = load_jsonl(args.eval / "meantime_en" / "docs.jsonl")
    references = [parse_dct(d["dct"]) for d in docs]
    for doc, reference in zip(docs, references, strict=False):  # warm-up
        find_timexes(doc["text"], reference, ranges=False)
    rates = []
    for _ in range(args.runs):
        started = time.perf_counter()
        tagged = {d["doc_id"]: find_timexes(d["text"], ref, ranges=False) for d, ref in zip(docs, references, strict=False)}
        rates.append(len(docs) / (time.perf_counter() - started))
    rows = [("every TIMEX3", meantime(docs, tagged, True, False)),
            ("without the dateline", meantime(docs, tagged, False, args.errors))]

    print(f"Temporal tagger (summarizer.dates) on MEANTIME English: {len(docs)} articles, annotated region "
          "(title, dateline, first four sentences)")
    print(f"Machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}\n")
    print("| TIMEX3 | gold | tagged | strict P | strict R | strict F1 | relaxed P | relaxed R "
          "| relaxed F1 | type acc. | value acc. |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in rows:
        (sp, sr, sf), (rp, rr, rf) = r["strict"], r["relaxed"]
        print(f"| {name} | {r['gold']} | {r['system']} | {sp:.3f} | {sr:.3f} | {sf:.3f} | {rp:.3f} "
              f"| {rr:.3f} | **{rf:.3f}** | {r['type']:.3f} | **{r['value']:.3f}** |")
    size = sum(len(d["text"]) for d in docs) / len(docs)
    print(f"\nThroughput: {statistics.median(rates):.0f} documents/s (median of {args.runs} runs over the "
          f"{len(docs)} full texts, {size:.0f} characters each on average)\n")

    result = semeval(args.eval)
    c, tau = result["counts"], result["tau"]
    anchored = c["anchored"] or 1
    print(f"SemEval-2015 Task 4 gold timelines: {c['mentions']} mentions of dated events, "
          f"{c['entities']} entities with two or more ordered events\n")
    print("| dates from | date accuracy | anchored mentions | accuracy when anchored | Kendall tau |")
    print("|---|---:|---:|---:|---:|")
    mentions = c["mentions"]
    print(f"| tagger: nearest dated expression in the sentence, else the dct | {c['tagger'] / mentions:.3f} "
          f"| {c['anchored'] / mentions:.3f} | {c['anchored tagger'] / anchored:.3f} | {tau['tagger']:.3f} |")
    print(f"| baseline: the dct | {c['dct'] / c['mentions']:.3f} | | {c['anchored dct'] / anchored:.3f} "
          f"| {tau['dct']:.3f} |")


if __name__ == "__main__":
    main()
