"""Entity extraction and cross-document linking quality on MEANTIME (English), as Markdown.

    .venv/bin/python bench/entity_eval.py [--data ../shared/eval/meantime_en] [--errors N]

Data: the NewsReader MEANTIME corpus, English section (120 Wikinews articles, CC BY 4.0,
© 2015 FBK, VU Amsterdam, UPV/EHU), converted to JSONL in ``shared/eval/meantime_en``.

What the gold includes and excludes, and how it is scored:

* **Mentions are scored in the first six sentences of each article only** (title, dateline and
  the first four body sentences, ``sent_id <= 5``). MEANTIME annotated every entity mention
  there (each has a ``syntactic_type``); past them only mentions of the corpus' target entities
  were annotated, so a correct name there would count as a false positive.
* Gold = mentions with ``syntactic_type`` NAM (names) or PRE.NAM (names used as modifiers:
  "*US* officials", "*Irish*" — MEANTIME types demonyms as LOC, as this extractor does) and
  ``entity_type`` PER, ORG or LOC. Gold names typed PRO/FIN (products, "Dow Jones") are not in
  the gold; predicting them as PER/ORG/LOC is an error. Gold names with no type are ignored
  (neither right nor wrong). Predictions typed MISC are not scored.
* MEANTIME extents include determiners, titles and pre-modifiers ("the United States",
  "Spokeswoman Sandy Angers", "United States airframer Boeing") and nest ("JSA Research defence
  analysist Paul Nesbit" contains "Paul Nesbit" and "JSA Research"); this extractor leaves titles
  and determiners out by design. So three matches are reported:
  **exact** (same start and end; a leading "the" of the gold may be left out),
  **head** (same end, starting inside the gold: the name is the rightmost part of the gold
  extent, e.g. "Sandy Angers" for "Spokeswoman Sandy Angers") and **overlap** (any shared
  character). The type must always be equal.
* Precision: a prediction is right if it matches any gold name of its type (at any nesting
  level). Recall: over the innermost gold names (those containing no other gold name of the
  same type); one is found if a prediction of its type matches it or a gold name around it.
* **Cross-document linking**: every gold PER/ORG/LOC mention with an ``instance_id`` that is a
  name (NAM in the first six sentences; past them the unmarked mentions that start with a
  capital letter and are not pronouns) is given the canonical name (``link_across`` over all
  articles) of the predicted mention that covers it (same type first, then the one ending where
  it ends); a mention no prediction covers is a singleton. B-cubed precision/recall/F1 of that
  clustering against the gold ``instance_id`` — with, for comparison, clustering by the exact
  surface text of the predicted mention (no linking).
* Speed: ``extract_entities`` over all 120 articles (sentences split beforehand), median of 3
  runs after a warm-up; the one-off gazetteer load is reported apart.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.entities import extract_entities, gazetteer
from summarizer.linking import link_across
from summarizer.sentences import split_sentences

TYPES = ("PER", "ORG", "LOC")
ZONE_SENTENCES = 6
PRONOUNS = frozenset(
    "he she it we they i you his her its their our us them him this that these those who which".split()
)


def load(path: Path) -> list[dict]:
    with open(path / "docs.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def zone_end(doc: dict) -> int:
    sentences = doc["sentences"]
    if len(sentences) <= ZONE_SENTENCES - 1:
        return len(doc["text"])
    last = sentences[ZONE_SENTENCES - 1]
    return last["start"] + len(last["text"])


def _strip_the(doc_text: str, start: int, end: int) -> int:
    for article in ("the ", "The "):
        if doc_text.startswith(article, start) and start + 4 < end:
            return start + 4
    return start


def match(kind: str, pred: tuple[int, int], gold: tuple[int, int], text: str) -> bool:
    ps, pe = pred
    gs, ge = gold
    if kind == "exact":
        return pe == ge and (ps == gs or ps == _strip_the(text, gs, ge))
    if kind == "head":
        return pe == ge and gs <= ps < ge
    return ps < ge and gs < pe


def mention_scores(docs: list[dict], predictions: list[list]) -> dict:
    """Counts per (criterion, type): tp_pred, n_pred, found_gold, n_gold."""
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    errors: list[tuple] = []
    for doc, mentions in zip(docs, predictions):
        text, end = doc["text"], zone_end(doc)
        gold = [
            g
            for g in doc["entity_mentions"]
            if g.get("syntactic_type") in ("NAM", "PRE.NAM") and g["end"] <= end and g.get("contiguous", True)
        ]
        scored = [g for g in gold if g.get("entity_type") in TYPES]
        untyped = [g for g in gold if not g.get("entity_type")]
        inner = [
            g
            for g in scored
            if not any(
                o is not g
                and o["entity_type"] == g["entity_type"]
                and g["start"] <= o["start"]
                and o["end"] <= g["end"]
                and (o["start"], o["end"]) != (g["start"], g["end"])
                for o in scored
            )
        ]
        preds = [m for m in mentions if m.type in TYPES and m.start < end]
        for crit in ("exact", "head", "overlap"):
            for m in preds:
                if any(
                    match(crit, (m.start, m.end), (u["start"], u["end"]), text) for u in untyped
                ) and not any(match(crit, (m.start, m.end), (g["start"], g["end"]), text) for g in scored):
                    continue  # the gold has this name but gave it no type
                ok = any(
                    g["entity_type"] == m.type and match(crit, (m.start, m.end), (g["start"], g["end"]), text)
                    for g in scored
                )
                counts[(crit, m.type)]["n_pred"] += 1
                counts[(crit, m.type)]["tp_pred"] += ok
                if crit == "head" and not ok:
                    errors.append(("FP", m.type, m.text, _gold_here(scored, m), doc["doc_id"]))
            for g in inner:
                around = [
                    o
                    for o in scored
                    if o["entity_type"] == g["entity_type"]
                    and o["start"] <= g["start"]
                    and g["end"] <= o["end"]
                ]
                ok = any(
                    m.type == g["entity_type"] and match(crit, (m.start, m.end), (o["start"], o["end"]), text)
                    for m in preds
                    for o in around
                )
                counts[(crit, g["entity_type"])]["n_gold"] += 1
                counts[(crit, g["entity_type"])]["found_gold"] += ok
                if crit == "head" and not ok:
                    near = [
                        f"{m.type}:{m.text}"
                        for m in preds
                        if match("overlap", (m.start, m.end), (g["start"], g["end"]), text)
                    ]
                    errors.append(("FN", g["entity_type"], g["text"], ", ".join(near), doc["doc_id"]))
    return {"counts": counts, "errors": errors}


def _gold_here(scored: list[dict], m) -> str:
    return ", ".join(
        f"{g['entity_type']}:{g['text']}" for g in scored if g["start"] < m.end and m.start < g["end"]
    )


def prf(tp_pred: int, n_pred: int, found: int, n_gold: int) -> tuple[float, float, float]:
    p = tp_pred / n_pred if n_pred else 0.0
    r = found / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def gold_names_for_linking(doc: dict) -> list[dict]:
    end = zone_end(doc)
    out = []
    for g in doc["entity_mentions"]:
        if g.get("entity_type") not in TYPES or not g.get("instance_id") or not g.get("contiguous", True):
            continue
        if g["start"] < end:
            if g.get("syntactic_type") != "NAM":
                continue
        else:
            words = g["text"].split()
            if words and words[0].lower() == "the":
                words = words[1:]
            if not words or not words[0][:1].isupper() or words[0].lower() in PRONOUNS:
                continue
        out.append(g)
    return out


def bcubed(items: list[tuple[str, str]]) -> tuple[float, float, float]:
    """B-cubed over (gold cluster, predicted cluster) pairs, one per mention."""
    by_gold: dict[str, list[int]] = defaultdict(list)
    by_pred: dict[str, list[int]] = defaultdict(list)
    for i, (g, p) in enumerate(items):
        by_gold[g].append(i)
        by_pred[p].append(i)
    precision = recall = 0.0
    for i, (g, p) in enumerate(items):
        same_pred = by_pred[p]
        same_gold = by_gold[g]
        both = sum(1 for j in same_pred if items[j][0] == g)
        precision += both / len(same_pred)
        recall += both / len(same_gold)
    n = len(items) or 1
    p, r = precision / n, recall / n
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def linking_scores(docs: list[dict], predictions: list[list]) -> dict[str, dict[str, tuple]]:
    mapping = link_across((m.name, m.type) for mentions in predictions for m in mentions)
    rows: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for doc, mentions in zip(docs, predictions):
        for g in gold_names_for_linking(doc):
            cover = [m for m in mentions if m.start < g["end"] and g["start"] < m.end]
            cover.sort(
                key=lambda m: (
                    m.type != g["entity_type"],
                    m.end != g["end"],
                    -(min(m.end, g["end"]) - max(m.start, g["start"])),
                )
            )
            if cover:
                m = cover[0]
                linked = "name:" + mapping[(m.name, m.type)]
                surface = "text:" + m.text
            else:
                linked = surface = f"none:{doc['doc_id']}:{g['m_id']}"
            rows[g["entity_type"]].append((g["instance_id"], linked, surface))
            rows["all"].append((g["instance_id"], linked, surface))
    out: dict[str, dict[str, tuple]] = {}
    for kind, items in rows.items():
        out[kind] = {
            "n": (len(items), len({g for g, _, _ in items})),
            "linked": bcubed([(g, p) for g, p, _ in items]),
            "surface": bcubed([(g, s) for g, _, s in items]),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "eval" / "meantime_en")
    parser.add_argument("--errors", type=int, default=0, help="print this many errors of each kind")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    docs = load(args.data)
    t0 = time.perf_counter()
    gazetteer()
    load_s = time.perf_counter() - t0
    split = [split_sentences(doc["text"]) for doc in docs]
    predictions = [extract_entities(doc["text"], spans) for doc, spans in zip(docs, split)]
    timings = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        for doc, spans in zip(docs, split):
            extract_entities(doc["text"], spans)
        timings.append(time.perf_counter() - t0)
    per_run = statistics.median(timings)

    result = mention_scores(docs, predictions)
    counts = result["counts"]
    print(
        f"## Entity mentions — MEANTIME English, {len(docs)} articles, first {ZONE_SENTENCES} sentences each\n"
    )
    print(
        "| type | gold | predicted | exact P | exact R | exact F1 | head P | head R | head F1 | overlap P | overlap R | overlap F1 |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for kind in (*TYPES, "all"):
        cells = []
        for crit in ("exact", "head", "overlap"):
            keys = [(crit, t) for t in TYPES] if kind == "all" else [(crit, kind)]
            c = sum((counts[k] for k in keys), Counter())
            cells.append(prf(c["tp_pred"], c["n_pred"], c["found_gold"], c["n_gold"]))
            if crit == "exact":
                gold_n, pred_n = c["n_gold"], c["n_pred"]
        row = " | ".join(f"{p:.3f} | {r:.3f} | {f:.3f}" for p, r, f in cells)
        label = f"**{kind}**" if kind == "all" else kind
        print(f"| {label} | {gold_n} | {pred_n} | {row} |")

    links = linking_scores(docs, predictions)
    print("\n## Cross-document linking — B-cubed against gold instance_id\n")
    print("| gold type | mentions | entities | linked P | linked R | linked F1 | surface-only F1 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for kind in (*TYPES, "all"):
        if kind not in links:
            continue
        row = links[kind]
        p, r, f = row["linked"]
        label = f"**{kind}**" if kind == "all" else kind
        print(
            f"| {label} | {row['n'][0]} | {row['n'][1]} | {p:.3f} | {r:.3f} | {f:.3f} | {row['surface'][2]:.3f} |"
        )

    chars = sum(len(doc["text"]) for doc in docs)
    print(
        f"\n## Speed\n\n`extract_entities`: {len(docs) / per_run:.0f} articles/s "
        f"({1000 * per_run / len(docs):.2f} ms per article of {chars // len(docs)} characters on average; "
        f"median of {args.runs} runs over {len(docs)} articles); gazetteers loaded once in {load_s:.2f} s."
    )

    if args.errors:
        errors = result["errors"]
        for label in ("FP", "FN"):
            chosen = [e for e in errors if e[0] == label]
            print(f"\n### {label} (head match): {len(chosen)}\n")
            for e in chosen[: args.errors]:
                print("-", e[1], repr(e[2]), "| gold/pred here:", e[3], "| doc", e[4])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
