"""Ingest/analysis throughput on realistic news, per summarizer, against the naive sumy path.

Usage: .venv/bin/python bench/ingest_throughput.py [--articles 240] [--runs 3]

Texts: the 120 open-licence Wikinews articles of MEANTIME English (../shared/eval, CC BY 4.0),
detokenised, title and dateline removed; "600-word" articles join two consecutive ones.
Each figure is the median of ``--runs`` runs over ``--articles`` articles (the corpus repeated),
in one process on one core.

* full pipeline = ``summarizer.analyze``: language, sentences, summary, entities, dates,
  events, roles and quotes (what ingest runs), with the publication date as reference;
* summary only = ``analyze(..., entities=False)``;
* per-word memos (Snowball stems, token facts, the language model's walks, the temporal
  tagger's trigger pieces, folded names) live as long as the process, as in a long-running
  ingest, so they are warm here where the corpus repeats; no result of an article is cached;
* first sight = the full pipeline on articles it has never seen, in a fresh process that has
  analysed only the other half of the set (each half measured once per run, median over runs):
  the words of a new article are new to the memos unless the other half used them. A
  long-running ingest that has seen thousands of articles sits between the two figures;
* naive = sumy's stock ``LexRankSummarizer`` on a ``PlaintextParser`` document split by a plain
  regex (``[.!?]`` + space), with sumy's stemmer and stop words (sumy's own ``Tokenizer`` needs
  NLTK punkt, which cannot be downloaded here).

The second table shows how cost grows with article length (sentences drawn from the corpus):
a linear method costs 20x more at 400 sentences than at 20; quadratic would be 400x.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import re
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer import METHODS, analyze, split_sentences  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval" / "meantime_en" / "docs.jsonl"


def detokenize(text: str) -> str:
    text = re.sub(r" ([,.;:!?%)\]}])", r"\1", text)
    text = re.sub(r"([(\[{$#]) ", r"\1", text)
    text = re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1", text)
    text = re.sub(r'" (.*?) "', r'"\1"', text)
    return text


def load_corpus() -> list[tuple[str, date | None]]:
    docs = []
    for line in EVAL.read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        body = "\n".join(doc["text"].split("\n")[2:])  # drop title and dateline
        try:
            reference = date.fromisoformat(doc["dct"][:10])
        except (ValueError, KeyError, TypeError):  # no creation time given
            reference = None
        docs.append((detokenize(body), reference))
    return docs


class RegexTokenizer:
    """The plain splitter of the naive path."""

    language = "english"

    def to_sentences(self, paragraph: str):
        return tuple(s for s in re.split(r"(?<=[.!?])\s+", paragraph) if s.strip())

    def to_words(self, sentence: str):
        return tuple(w for w in re.findall(r"\w+", sentence) if any(c.isalpha() for c in w))


def naive(text: str) -> None:
    from sumy.nlp.stemmers import Stemmer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.utils import get_stop_words

    summarizer = LexRankSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    summarizer(PlaintextParser.from_string(text, RegexTokenizer()).document, 3)


def rate(fn, items, runs: int) -> float:
    fn(*items[0])  # warm-up: model and gazetteer loading is not per-article cost
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        for item in items:
            fn(*item)
        samples.append(len(items) / (time.perf_counter() - start))
    return statistics.median(samples)


def first_sight(label: str, half: int) -> float:
    """Articles/s over one half of a set, analysed once each, after the other half (this process)."""
    docs = text_sets()[label]
    middle = len(docs) // 2
    seen, measured = (docs[:middle], docs[middle:]) if half == 0 else (docs[middle:], docs[:middle])
    for text, reference in seen:
        analyze(text, reference=reference)
    start = time.perf_counter()
    for text, reference in measured:
        analyze(text, reference=reference)
    return len(measured) / (time.perf_counter() - start)


def first_sight_rate(label: str, runs: int) -> float:
    """Median of ``first_sight`` over ``runs`` fresh processes for each half."""
    import subprocess

    rates = []
    for _ in range(runs):
        for half in (0, 1):
            child = subprocess.run([sys.executable, __file__, "--first-sight", f"{label}:{half}"],
                                   capture_output=True, text=True, check=True)
            rates.append(float(child.stdout.strip().splitlines()[-1]))
    return statistics.median(rates)


def text_sets() -> dict[str, list[tuple[str, date | None]]]:
    corpus = load_corpus()
    return {"Wikinews": corpus, "600-word": [(a[0] + "\n" + b[0], a[1]) for a, b in zip(corpus[::2], corpus[1::2])]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=240)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--first-sight", help=argparse.SUPPRESS)  # LABEL:HALF, in a child process
    args = parser.parse_args()
    if not EVAL.exists():
        sys.exit(f"evaluation data not found at {EVAL}")
    if args.first_sight:
        label, half = args.first_sight.rsplit(":", 1)
        print(f"{first_sight(label, int(half)):.1f}")
        return
    sets = text_sets()
    corpus = sets["Wikinews"]

    print(f"Machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}; "
          f"median of {args.runs} runs over {args.articles} articles, one core\n")
    print("| texts | words/article | path | articles/s | × naive |")
    print("|---|---:|---|---:|---:|")
    for label, docs in sets.items():
        items = [docs[i % len(docs)] for i in range(args.articles)]
        words = statistics.mean(len(t.split()) for t, _ in docs)
        base = rate(lambda t, r: naive(t), items, args.runs)
        rows = [("naive sumy LexRank + regex splitter", base)]
        rows.append(("full pipeline (default newsrank)", rate(lambda t, r: analyze(t, reference=r), items, args.runs)))
        rows.append(("full pipeline, first sight", first_sight_rate(label, args.runs)))
        for name in METHODS:
            rows.append((f"summary only: {name}", rate(lambda t, r, n=name: analyze(t, method=n, entities=False),
                                                       items, args.runs)))
        for path, value in rows:
            print(f"| {label} | {words:.0f} | {path} | {value:.1f} | {value / base:.2f} |")

    sentences = [s.text for t, _ in corpus for s in split_sentences(t)]
    rng = random.Random(7)
    print("\n| sentences | " + " | ".join(["naive", "full"] + list(METHODS)) + " |")
    print("|---:|" + "---:|" * (len(METHODS) + 2))
    costs: dict[int, list[float]] = {}
    for n in (20, 50, 100, 200, 400):
        text = " ".join(rng.choice(sentences) for _ in range(n))
        row = [1000 / rate(lambda t: naive(t), [(text,)], args.runs),
               1000 / rate(lambda t: analyze(t), [(text,)], args.runs)]
        row += [1000 / rate(lambda t, m=m: analyze(t, method=m, entities=False), [(text,)], args.runs)
                for m in METHODS]
        costs[n] = row
        print(f"| {n} | " + " | ".join(f"{ms:.1f} ms" for ms in row) + " |")
    growth = [costs[400][i] / costs[20][i] for i in range(len(costs[20]))]
    print("| ×(400/20) | " + " | ".join(f"{g:.0f}×" for g in growth) + " |")


if __name__ == "__main__":
    main()
