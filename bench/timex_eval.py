"""Quality of the temporal tagger (summarizer.dates) on open gold data; prints Markdown tables.

Usage: .venv/bin/python bench/timex_eval.py [--eval ../shared/eval] [--runs 3] [--errors]

1. MEANTIME English (``meantime_en/docs.jsonl``, 120 Wikinews articles, CC BY 4.0). The gold
   TIMEX3 layer covers each article's title, dateline and first four body sentences (sentence
   ids 0-5); the tagger runs on the whole text with the document creation time (``dct``) as
   its reference date, and its expressions that start in that region are scored. The two
   articles with no dct get no reference (their relative expressions stay unresolved, and
   count as wrong values); ``03-02-2009`` is read day-first, as the gold values imply.
   Scored twice: with every gold TIMEX3, and without the dateline TIMEX3 (``functionInDocument
   = CREATION_TIME``; tagger output overlapping it is then ignored too).

   * strict P/R/F1: same start and end offsets;
   * relaxed P/R/F1: spans overlap (one-to-one, largest overlap first, then closest length);
   * type accuracy and value accuracy: over relaxed matches, the tagger's DATE/TIME/DURATION/
     SET and its TimeML value string equal the gold ones exactly.

2. SemEval-2015 Task 4 timelines (``semeval2015_timeline/``, the same 120 articles in four
   corpora, CC BY 3.0). For each gold target entity, the gold timeline lists the events it
   takes part in, each anchored to a date (``2008-03-01``, ``2010-02-XX``) or undated. For
   every gold mention of an event with at least a year, the tagger's date is the DATE/TIME
   expression of year precision or finer in the mention's sentence nearest to the event word
   (leaving out bounds: "since 1997", "by 2012", "until Friday"), else the article's dct (the same fallback the gold annotators used); the "dct only"
   baseline always uses the dct.

   * date accuracy: the date agrees with the gold one at every component the gold gives
     (year / month / day) and is at least that precise;
   * anchored: share of mentions whose sentence holds a dated expression (these sentences are
     the ones /timeline turns into events), and date accuracy on them alone;
   * Kendall tau: per entity, over pairs of gold events with a different gold order (events
     with order 0 and undated ones left out), (concordant - discordant) / pairs, where a pair
     the dates do not separate counts 0 (tau-a); mean over entities with >= 2 ordered events.
     Each event is represented by its first mention.

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
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.dates import Timex, find_timexes, precision_of, sort_key, value_span  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
ANNOTATED_SENTENCES = 5  # MEANTIME annotates sentence ids 0..5 of each article


def parse_dct(raw: str | None) -> date | None:
    if not raw:
        return None
    if re.fullmatch(r"\d{4}-\d\d-\d\d", raw):
        return date.fromisoformat(raw)
    match = re.fullmatch(r"(\d\d)-(\d\d)-(\d{4})", raw)
    if match:
        return date(int(match[3]), int(match[2]), int(match[1]))
    return None


def load_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


# MEANTIME --------------------------------------------------------------------------------------


def match_relaxed(gold: list[dict], system: list[Timex]) -> list[tuple[dict, Timex]]:
    pairs = []
    for g in gold:
        for s in system:
            overlap = min(g["end"], s.end) - max(g["start"], s.start)
            if overlap > 0:
                pairs.append((overlap, abs((g["end"] - g["start"]) - (s.end - s.start)), id(g), id(s), g, s))
    pairs.sort(key=lambda p: (-p[0], p[1]))  # largest overlap first, then the closest in length
    used_g, used_s, matched = set(), set(), []
    for _, _, gi, si, g, s in pairs:
        if gi in used_g or si in used_s:
            continue
        used_g.add(gi)
        used_s.add(si)
        matched.append((g, s))
    return matched


def prf(tp: int, n_sys: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_sys if n_sys else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def meantime(docs: list[dict], tagged: dict[str, list[Timex]], with_dateline: bool, errors: bool) -> dict:
    n_gold = n_sys = strict_tp = 0
    relaxed: list[tuple[dict, Timex]] = []
    for doc in docs:
        sentences = doc["sentences"]
        region_end = (sentences[ANNOTATED_SENTENCES + 1]["start"] if len(sentences) > ANNOTATED_SENTENCES + 1
                      else len(doc["text"]))
        gold = [t for t in doc["timexes"] if t["start"] < region_end]
        system = [t for t in tagged[doc["doc_id"]] if t.start < region_end]
        if not with_dateline:
            dateline = [t for t in gold if t.get("functionInDocument") == "CREATION_TIME"]
            gold = [t for t in gold if t not in dateline]
            system = [s for s in system if not any(s.start < d["end"] and d["start"] < s.end for d in dateline)]
        n_gold += len(gold)
        n_sys += len(system)
        strict_tp += len({(t["start"], t["end"]) for t in gold} & {(s.start, s.end) for s in system})
        pairs = match_relaxed(gold, system)
        relaxed.extend(pairs)
        if errors and not with_dateline:
            text = doc["text"]
            matched_g = {id(g) for g, _ in pairs}
            matched_s = {id(s) for _, s in pairs}
            for g in gold:
                if id(g) not in matched_g:
                    print(f"FN {doc['doc_id']} {g['text']!r} {g['type']} {g['value']} | …{text[max(0, g['start'] - 50):g['end'] + 30]!r}")
            for s in system:
                if id(s) not in matched_s:
                    print(f"FP {doc['doc_id']} {s.text!r} {s.kind} {s.value} | …{text[max(0, s.start - 50):s.end + 30]!r}")
            for g, s in pairs:
                if g["value"] != s.value or g["type"] != s.kind:
                    print(f"VAL {doc['doc_id']} dct={doc['dct']} {g['text']!r}/{s.text!r} gold={g['type']} {g['value']} "
                          f"sys={s.kind} {s.value} | …{text[max(0, g['start'] - 60):g['end'] + 40]!r}")
    strict = prf(strict_tp, n_sys, n_gold)
    loose = prf(len(relaxed), n_sys, n_gold)
    type_acc = sum(g["type"] == s.kind for g, s in relaxed) / len(relaxed) if relaxed else 0.0
    value_acc = sum(g["value"] == s.value for g, s in relaxed) / len(relaxed) if relaxed else 0.0
    return {"gold": n_gold, "system": n_sys, "strict": strict, "relaxed": loose, "matches": len(relaxed),
            "type": type_acc, "value": value_acc}


# SemEval-2015 timelines -----------------------------------------------------------------------------


def known_parts(value: str | None) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) a value pins down, None where it does not."""
    span = value_span(value) if value else None
    if span is None:
        return None, None, None
    first, last = span
    year = first.year if first.year == last.year else None
    month = first.month if year is not None and first.month == last.month else None
    day = first.day if month is not None and first == last else None
    return year, month, day


def gold_parts(value: str) -> tuple[int | None, int | None, int | None]:
    parts = value.split("-") + ["XX", "XX"]
    return tuple(int(p) if p.isdigit() else None for p in parts[:3])  # type: ignore[return-value]


def agrees(system: str | None, gold: str) -> bool:
    want, have = gold_parts(gold), known_parts(system)
    return all(w is None or w == h for w, h in zip(want, have))


_BOUNDS = ("SINCE", "BEFORE", "AFTER", "UNTIL")  # "its lowest level since 1997" is not dated 1997
_DATED = ("year", "half", "quarter", "season", "month", "week", "day", "hour", "minute", "second")


def sentence_date(doc: dict, timexes: list[Timex], sent_id: int, event: str) -> str | None:
    """The value of the dated expression in the sentence nearest to the event word."""
    sentences = doc["sentences"]
    start = sentences[sent_id]["start"]
    end = start + len(sentences[sent_id]["text"])
    dated = [t for t in timexes if start <= t.start < end and t.kind in ("DATE", "TIME")
             and t.value and precision_of(t.value) in _DATED and t.modifier not in _BOUNDS]
    if not dated:
        return None
    anchor = next((e["start"] for e in doc["events"] if e["sent_id"] == sent_id and e["text"] == event), start)
    return min(dated, key=lambda t: min(abs(t.start - anchor), abs(t.end - anchor))).value


def semeval(eval_dir: Path) -> dict:
    docs = {d["doc_id"]: d for d in load_jsonl(eval_dir / "semeval2015_timeline" / "docs.jsonl")}
    timelines = load_jsonl(eval_dir / "semeval2015_timeline" / "timelines.jsonl")
    tagged = {doc_id: find_timexes(d["text"], parse_dct(d["dct"])) for doc_id, d in docs.items()}
    scores = Counter()
    taus = {"tagger": [], "dct": []}
    for timeline in timelines:
        ordered: list[tuple[int, str | None, str | None]] = []
        for row in timeline["timeline"]:
            if row["date"].startswith("XXXX"):
                continue
            first = True
            for mention in row["mentions"]:
                doc = docs.get(mention["doc_id"])
                if doc is None or mention["sentence"] is None or mention["sent_id"] >= len(doc["sentences"]):
                    continue
                dct = parse_dct(doc["dct"])
                anchored = sentence_date(doc, tagged[doc["doc_id"]], mention["sent_id"], mention["event"])
                ours = anchored or (dct.isoformat() if dct else None)
                baseline = dct.isoformat() if dct else None
                scores["mentions"] += 1
                scores["tagger"] += agrees(ours, row["date"])
                scores["dct"] += agrees(baseline, row["date"])
                if anchored:
                    scores["anchored"] += 1
                    scores["anchored_ok"] += agrees(anchored, row["date"])
                    scores["anchored_dct_ok"] += agrees(baseline, row["date"])
                if first and row["order"] > 0:
                    ordered.append((row["order"], ours, baseline))
                    first = False
        if len({o for o, _, _ in ordered}) < 2:
            continue
        for name, index in (("tagger", 1), ("dct", 2)):
            concordant = discordant = pairs = 0
            for i in range(len(ordered)):
                for j in range(i + 1, len(ordered)):
                    (oi, *vi), (oj, *vj) = ordered[i], ordered[j]
                    if oi == oj:
                        continue
                    pairs += 1
                    ki, kj = sort_key(vi[index - 1]), sort_key(vj[index - 1])
                    if ki == kj or ki[0] or kj[0]:
                        continue
                    if (ki < kj) == (oi < oj):
                        concordant += 1
                    else:
                        discordant += 1
            taus[name].append((concordant - discordant) / pairs)
    scores["entities"] = len(taus["tagger"])
    return {"counts": scores, "tau": {k: statistics.mean(v) for k, v in taus.items()}}


# Main ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval", type=Path, default=EVAL)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--errors", action="store_true", help="list misses, false alarms and wrong values")
    args = parser.parse_args()

    docs = load_jsonl(args.eval / "meantime_en" / "docs.jsonl")
    refs = [parse_dct(d["dct"]) for d in docs]
    for doc, ref in zip(docs, refs):  # warm-up
        find_timexes(doc["text"], ref, ranges=False)
    rates = []
    for _ in range(args.runs):
        started = time.perf_counter()
        tagged = {doc["doc_id"]: find_timexes(doc["text"], ref, ranges=False) for doc, ref in zip(docs, refs)}
        rates.append(len(docs) / (time.perf_counter() - started))
    rows = [("all TIMEX3", meantime(docs, tagged, True, False)),
            ("without dateline", meantime(docs, tagged, False, args.errors))]

    print(f"Temporal tagger (summarizer.dates) — MEANTIME English, {len(docs)} articles, "
          f"annotated region (title, dateline, first 4 sentences)")
    print(f"Machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}\n")
    print("| TIMEX3 set | gold | tagged | strict P | strict R | strict F1 | relaxed P | relaxed R | relaxed F1 "
          "| type acc. | value acc. |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in rows:
        print(f"| {name} | {r['gold']} | {r['system']} | {r['strict'][0]:.3f} | {r['strict'][1]:.3f} | "
              f"{r['strict'][2]:.3f} | {r['relaxed'][0]:.3f} | {r['relaxed'][1]:.3f} | **{r['relaxed'][2]:.3f}** | "
              f"{r['type']:.3f} | **{r['value']:.3f}** |")
    print(f"\nThroughput: {statistics.median(rates):.0f} documents/s (median of {args.runs} runs over the "
          f"{len(docs)} full texts, {sum(len(d['text']) for d in docs) / len(docs):.0f} characters each on average)\n")

    result = semeval(args.eval)
    c = result["counts"]
    print(f"SemEval-2015 Task 4 gold timelines — {c['mentions']} dated event mentions, "
          f"{c['entities']} entities with >= 2 ordered events\n")
    print("| dating | date accuracy | anchored mentions | accuracy when anchored | Kendall tau (mean over entities) |")
    print("|---|---:|---:|---:|---:|")
    anchored = c["anchored"] or 1
    print(f"| tagger (nearest dated expression in the sentence, else dct) | {c['tagger'] / c['mentions']:.3f} | "
          f"{c['anchored'] / c['mentions']:.3f} | {c['anchored_ok'] / anchored:.3f} | {result['tau']['tagger']:.3f} |")
    print(f"| dct only (baseline) | {c['dct'] / c['mentions']:.3f} | — | {c['anchored_dct_ok'] / anchored:.3f} | "
          f"{result['tau']['dct']:.3f} |")


if __name__ == "__main__":
    main()
