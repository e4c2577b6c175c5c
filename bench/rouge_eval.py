"""Summary quality: ROUGE-1/2/L F1 of every summarizer and of Lead-3 on news with references.

    .venv/bin/python bench/rouge_eval.py [--gum DIR] [--eval ../shared/eval] [--data FILE.jsonl]
                                         [--sentences 3] [--budget sentences|words] [--no-tune]

Scores: ``rouge-score`` F1 (ROUGE-1, ROUGE-2, ROUGE-L; Porter stemming, its default tokenizer),
the mean over articles with a 95% bootstrap confidence interval (percentile, 10,000 resamples
of the articles). An article with several references gets the mean of its per-reference
scores. Every summary is ``summarizer.analyze(body, method=M, sentences=3, entities=False)``:
the production path (language detection, the sentence splitter, the boilerplate filter).
**Lead-3** is the first three sentences of the same split. The budget is the same for all:
3 sentences (``--budget words`` instead cuts every summary, Lead-3 included, to the mean
length in words of its references). *oracle* is the greedy extractive upper bound: the (up to)
3 sentences that maximise ROUGE-1+2 F1 against the references — no method can beat it.

The input of every set is the article **body**: the headline, the dateline ("Saturday,
September 12, 2015") and image captions are left out, so the headline is never part of what is
summarised and Lead-3 starts at the story's first sentence.

Sets (no text of any is kept in this repository):

1. ``gum-news`` — **human-written reference summaries** (the main set). The 24 news articles
   of GUM, the Georgetown University Multilayer corpus (https://github.com/amir-zeldes/gum,
   ``xml/`` + ``dep/``): Wikinews stories (texts CC BY 2.5, Wikinews contributors), each with
   one-sentence summaries written by people following the GUMSum guidelines (Liu & Zeldes,
   ACL Findings 2023; annotations CC BY 4.0, the GUM annotators). 20 articles have one human
   summary, 4 (dev/test partition) have five. The corpus also lists summaries written by LLMs
   (``(gpt4o)``, ``(claude-...)`` ...): those are **not** used; only ``(humanN)`` ones are.
   Pass a GUM checkout with ``--gum DIR`` or ``BRIEFING_GUM_DIR`` (default
   ``../shared/eval/gum`` when present); without one the set is skipped with a note.
2. ``wikinews-headlines`` — **a proxy, not a summary set.** The 120 Wikinews articles of
   ``../shared/eval/meantime_en`` (CC BY; no reference summaries exist for them): the
   reference is the article's own headline, which Wikinews editors wrote, and the input is the
   body without it. Headlines are human-written and are not sentences of the input (so this is
   not circular, unlike scoring against the article's own first sentences, which would make
   Lead-3 perfect by construction), but they are ~10 words and paraphrase the lede, so they
   still **favour position**: treat a loss to Lead-3 here as weak evidence, and a win as
   strong evidence. MEANTIME's text is tokenised ("$ 40 billion ( GB # 20.1 billion )"); it is
   detokenised first, one sentence per line.
3. ``--data FILE.jsonl`` (optional, repeatable): any other set, one JSON object per line with
   ``text`` and ``summary`` (a string or a list of strings), e.g. CNN/DailyMail, XL-Sum or
   LR-Sum obtained elsewhere under their own terms. Nothing of it is stored here.

Tuning (unless ``--no-tune``): ``newsrank`` rates a sentence ``w * centrality + (1 - w) *
exp(-i / decay)`` (centrality: LexRank min-max normalised over the candidates; ``i``: the
sentence's index among the candidates; ``w = 0.5``, ``decay = 8`` when this was written).
The script evaluates a grid of ``w`` x ``decay`` with the production candidates and centrality,
and picks the configuration with the best mean (ROUGE-1 F1 + ROUGE-2 F1) / 2, ties going to the larger
``w`` (more centrality), then to the decay nearest 8. The choice is always made on data the
score is not measured on:

* *cross-set*: tuned on all of one set, tested on each other set (different articles), e.g.
  tuned on ``gum-news`` and tested on ``gum-interview`` and ``wikinews-headlines``;
* *leave-one-out* within a set of at most 40 articles (``gum-news``: each article is scored
  with the configuration tuned on the other 23), *5-fold* cross-validation within a larger one
  (``wikinews-headlines``); reported with the configurations chosen.

Each row has the paired bootstrap difference to Lead-3 (mean and 95% CI) and the number of
articles whose summary is not simply Lead-3 (a blend can reach Lead-3 by becoming it). A second
GUM genre, ``gum-interview`` (19 Wikinews interviews, same licences and kind of references), is
scored too by default: a held-out check on news copy that is not inverted-pyramid. The blend is
re-implemented here from ``summarizer.summarize`` (``lexrank_centrality``, the same
candidates and selection); the script finds the grid point that reproduces ``newsrank``'s
choices on every article (its "today" row) and warns if none does.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import numpy
from rouge_score import rouge_scorer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer import DEFAULT_METHOD, METHODS, analyze
from summarizer.analysis import _candidates  # the boilerplate filter analyze() applies
from summarizer.summarize import lexrank_centrality, select

KEYS = ("rouge1", "rouge2", "rougeL")
WEIGHTS = [round(0.05 * k, 2) for k in range(21)]
DECAYS = [0.5, 1, 2, 3, 4, 6, 8, 12, 16, 24, 48]
DEFAULT_BLEND = (0.5, 8.0)
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATELINE = re.compile(
    rf"^\s*((Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?"
    rf"(({MONTHS})\s+\d{{1,2}}\s*,?\s*\d{{4}}|\d{{1,2}}\s+({MONTHS})\s*,?\s*\d{{4}})\s*\.?\s*$"
)
HUMAN = re.compile(r"^\(human\d*\)\s*")


@dataclass
class Doc:
    id: str
    body: str
    refs: list[str]
    title: str = ""
    meta: dict = field(default_factory=dict)


# --------------------------------------------------------------------------------- loading


def load_gum(root: Path, genres: tuple[str, ...] = ("news",)) -> list[Doc]:
    """GUM documents of ``genres`` with their human summaries; body without headline/dateline/captions."""
    docs = []
    for xml_path in sorted((root / "xml").glob("GUM_*.xml")):
        genre = xml_path.stem.split("_")[1]
        if genre not in genres:
            continue
        conllu = (root / "dep" / f"{xml_path.stem}.conllu").read_text(encoding="utf-8").splitlines()
        texts = [line[len("# text = ") :] for line in conllu if line.startswith("# text = ")]
        meta = dict(
            re.match(r"# meta::(\w+) = (.*)", line).groups()
            for line in conllu
            if re.match(r"# meta::\w+ = ", line)
        )
        refs = [
            HUMAN.sub("", meta[k]) for k in sorted(meta) if k.startswith("summary") and HUMAN.match(meta[k])
        ]
        # Each <s> of the XML, in order, with its enclosing elements and innermost block.
        blocks = {"head", "p", "caption", "item", "quote", "figure", "list", "sp", "table", "row", "cell"}
        stack: list[tuple[str, int]] = []
        sentences: list[tuple[set[str], int]] = []
        counter = 0
        for event, element in ET.iterparse(xml_path, events=("start", "end")):
            if event == "start":
                if element.tag in blocks:
                    counter += 1
                stack.append((element.tag, counter))
                if element.tag == "s":
                    inner = next((n for tag, n in reversed(stack) if tag in blocks), 0)
                    sentences.append(({tag for tag, _ in stack}, inner))
            else:
                stack.pop()
        if len(sentences) != len(texts):
            raise ValueError(f"{xml_path.name}: {len(sentences)} <s> in the XML, {len(texts)} in the CoNLL-U")
        body: list[tuple[int, str]] = []
        title_done = dateline_done = False
        for (tags, block), text in zip(sentences, texts):
            if "head" in tags and not title_done and not body:
                continue  # the headline
            title_done = True
            if tags & {"figure", "caption"}:
                continue  # image captions
            if not dateline_done:
                dateline_done = True
                if DATELINE.match(text):
                    continue
            body.append((block, text))
        paragraphs: list[list[str]] = []
        last = None
        for block, text in body:
            if block != last:
                paragraphs.append([])
                last = block
            paragraphs[-1].append(text)
        docs.append(
            Doc(
                xml_path.stem,
                "\n".join(" ".join(p) for p in paragraphs),
                refs,
                meta.get("title", ""),
                {"genre": genre, "partition": _partition(xml_path)},
            )
        )
    return docs


def _partition(xml_path: Path) -> str:
    with open(xml_path, encoding="utf-8") as fh:
        match = re.search(r'partition="(\w+)"', fh.readline())
    return match.group(1) if match else ""


def detokenize(text: str) -> str:
    """Undo MEANTIME's tokenisation well enough for a sentence splitter ("U.S. ( USA ) 's" -> "U.S. (USA)'s")."""
    tokens = text.split()
    out: list[str] = []
    open_quote = False
    glue_next = False
    for token in tokens:
        if token == '"':
            if open_quote:
                if out:
                    out[-1] += token
                else:
                    out.append(token)
            else:
                out.append(token)
                glue_next = True
            open_quote = not open_quote
            continue
        if out and (glue_next or re.fullmatch(r"[,.;:!?%)\]}]+|'s|'|n't|'re|'ve|'ll|'d|'m", token)):
            out[-1] += token
        else:
            out.append(token)
        glue_next = token in {"(", "[", "{", "$", "#"}
    return " ".join(out)


def load_headlines(path: Path) -> list[Doc]:
    """MEANTIME's Wikinews articles: the headline as the reference, the body (after the dateline) as input."""
    docs = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            sentences = [s["text"] for s in doc["sentences"]]
            title = detokenize(doc.get("title") or sentences[0])
            rest = sentences[1:]
            if rest and DATELINE.match(detokenize(rest[0])):
                rest = rest[1:]
            docs.append(
                Doc(
                    str(doc["doc_id"]),
                    "\n".join(detokenize(s) for s in rest),
                    [title],
                    title,
                    {"corpus": doc.get("corpus")},
                )
            )
    return docs


def load_jsonl(path: Path) -> list[Doc]:
    docs = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if line.strip():
                row = json.loads(line)
                refs = row["summary"] if isinstance(row["summary"], list) else [row["summary"]]
                docs.append(Doc(str(row.get("id", n)), row["text"], [r for r in refs if r.strip()]))
    return docs


# --------------------------------------------------------------------------------- scoring


class Scorer:
    def __init__(self) -> None:
        self.rouge = rouge_scorer.RougeScorer(list(KEYS), use_stemmer=True)

    def __call__(self, summary: str, refs: list[str]) -> numpy.ndarray:
        """F1 of ROUGE-1/2/L, averaged over the references."""
        rows = [[s[k].fmeasure for k in KEYS] for s in (self.rouge.score(ref, summary) for ref in refs)]
        return numpy.mean(rows, axis=0)


def cut_words(text: str, budget: int | None) -> str:
    return text if budget is None else " ".join(text.split()[:budget])


def bootstrap(
    values: numpy.ndarray, resamples: numpy.ndarray
) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    """Mean and 95% percentile interval of the mean, per column, over article resamples."""
    means = values[resamples].mean(axis=1)
    return values.mean(axis=0), numpy.percentile(means, 2.5, axis=0), numpy.percentile(means, 97.5, axis=0)


@dataclass
class Prepared:
    """One article as the summarizer sees it: candidate sentences and their centrality."""

    doc: Doc
    spans: list[str]
    candidates: list[int]
    centrality: list[float]  # min-max normalised, over the ranked head of the candidates
    budget: int | None  # words, or None for the sentence budget
    newsrank: list[float]  # newsrank's own ratings of the same sentences

    def ratings(self, w: float, decay: float) -> list[float]:
        return [w * c + (1 - w) * math.exp(-i / decay) for i, c in enumerate(self.centrality)]

    def blend(self, w: float, decay: float, count: int) -> tuple[int, ...]:
        if len(self.candidates) <= count:
            return tuple(self.candidates)
        return tuple(self.candidates[i] for i in select(self.ratings(w, decay), count))


def prepare(doc: Doc, budget: str) -> tuple[Prepared, object]:
    analysis = analyze(doc.body, method="lead", sentences=3, entities=False)
    spans = [s.text for s in analysis.sentences]
    candidates = _candidates(analysis.sentences)
    head = [spans[i] for i in candidates][: METHODS[DEFAULT_METHOD].max_sentences]
    raw = lexrank_centrality(head, analysis.language.sumy_name) if len(head) > 0 else []
    newsrank = METHODS["newsrank"].rank(head, analysis.language.sumy_name) if head else []
    low, high = (min(raw), max(raw)) if raw else (0.0, 0.0)
    centrality = [1.0] * len(raw) if high - low < 1e-12 else [(v - low) / (high - low) for v in raw]
    words = None
    if budget == "words":
        words = max(1, round(numpy.mean([len(r.split()) for r in doc.refs])))
    return Prepared(
        doc,
        spans,
        candidates[: len(head)] if len(candidates) > len(head) else candidates,
        centrality,
        words,
        list(newsrank),
    ), analysis


class Cache:
    """ROUGE of a choice of sentences, computed once."""

    def __init__(self, scorer: Scorer) -> None:
        self.scorer = scorer
        self.memo: dict[tuple[int, tuple[int, ...]], numpy.ndarray] = {}

    def score(self, k: int, p: Prepared, picked: tuple[int, ...]) -> numpy.ndarray:
        key = (k, picked)
        if key not in self.memo:
            self.memo[key] = self.scorer(
                cut_words(" ".join(p.spans[i] for i in picked), p.budget), p.doc.refs
            )
        return self.memo[key]


def oracle(p: Prepared, count: int, scorer: Scorer) -> tuple[int, ...]:
    """Greedy extractive oracle: add the sentence that most improves ROUGE-1+2 F1, up to ``count``."""
    chosen: list[int] = []
    best = -1.0
    for _ in range(count):
        gains = []
        for i in range(len(p.spans)):
            if i in chosen:
                continue
            picked = sorted(chosen + [i])
            s = scorer(cut_words(" ".join(p.spans[j] for j in picked), p.budget), p.doc.refs)
            gains.append(((s[0] + s[1]) / 2, i))
        if not gains:
            break
        value, i = max(gains)
        if value <= best:
            break
        best = value
        chosen = sorted(chosen + [i])
    return tuple(chosen)


# --------------------------------------------------------------------------------- tuning


def grid_scores(
    prepared: list[Prepared], cache: Cache, count: int, offset: int
) -> dict[tuple[float, float], numpy.ndarray]:
    """Per-article ROUGE (n x 3) of every (w, decay) on the grid."""
    table = {}
    for w in WEIGHTS:
        for d in DECAYS:
            table[(w, d)] = numpy.array(
                [cache.score(offset + k, p, p.blend(w, d, count)) for k, p in enumerate(prepared)]
            )
    return table


def objective(scores: numpy.ndarray) -> float:
    return float((scores[:, 0] + scores[:, 1]).mean() / 2)


def choose(
    table: dict[tuple[float, float], numpy.ndarray], rows: numpy.ndarray | None = None
) -> tuple[float, float]:
    """Best (w, decay) on ``rows`` of the articles; ties: larger w, then decay nearest 8."""

    def key(config):
        scores = table[config] if rows is None else table[config][rows]
        w, d = config
        return (round(objective(scores), 10), w, -abs(math.log(d / 8)))

    return max(table, key=key)


def current_blend(sets: dict[str, dict], count: int) -> tuple[float, float] | None:
    """The grid point whose ratings are ``newsrank``'s on every article, if it also makes the same choices."""
    prepared = [p for data in sets.values() for p in data["prepared"]]
    for config in [DEFAULT_BLEND] + [(w, d) for w in WEIGHTS for d in DECAYS if (w, d) != DEFAULT_BLEND]:
        if all(numpy.allclose(p.ratings(*config), p.newsrank, atol=1e-9) for p in prepared):
            same = all(
                p.blend(*config, count) == picks
                for data in sets.values()
                for p, picks in zip(data["prepared"], data["newsrank_picks"])
            )
            return config if same else None
    return None


# --------------------------------------------------------------------------------- report


def fmt(mean: float, low: float, high: float) -> str:
    return f"{mean * 100:.2f} [{low * 100:.1f}, {high * 100:.1f}]"


def ci_record(mean, low, high, d_mean, d_low, d_high) -> dict[str, list[float]]:
    """Means and bootstrap CIs, and their paired differences to Lead-3, as the JSON report keeps them."""
    return {
        "mean": mean.tolist(), "ci_low": low.tolist(), "ci_high": high.tolist(),
        "delta_vs_lead3": d_mean.tolist(), "delta_ci_low": d_low.tolist(), "delta_ci_high": d_high.tolist(),
    }


def diff_cell(d_mean: float, d_low: float, d_high: float) -> str:
    mark = " ✓" if d_low > 0 else (" ✗" if d_high < 0 else "")
    return f"{d_mean * 100:+.2f} [{d_low * 100:+.1f}, {d_high * 100:+.1f}]{mark}"


def evaluate_set(name: str, docs: list[Doc], args, scorer: Scorer, rng) -> dict:
    started = time.perf_counter()
    prepared: list[Prepared] = []
    analyses = []
    for doc in docs:
        p, a = prepare(doc, args.budget)
        prepared.append(p)
        analyses.append(a)
    n = len(docs)
    resamples = rng.integers(0, n, size=(args.resamples, n))
    count = args.sentences
    systems: dict[str, list[str]] = {"Lead-3": [" ".join(p.spans[:count]) for p in prepared]}
    newsrank_picks: list[tuple[int, ...]] = []
    for method in METHODS:
        systems[method] = []
        for k, (doc, p) in enumerate(zip(docs, prepared)):
            summary = analyze(doc.body, method=method, sentences=count, entities=False).summary
            systems[method].append(" ".join(s.text for s in summary))
            if method == "newsrank":
                starts = {span.start: i for i, span in enumerate(analyses[k].sentences)}
                newsrank_picks.append(tuple(starts[s.start] for s in summary))
    systems["oracle (upper bound)"] = [
        " ".join(p.spans[i] for i in oracle(p, count, scorer)) for p in prepared
    ]
    scores = {
        s: numpy.array([scorer(cut_words(t, p.budget), p.doc.refs) for t, p in zip(texts, prepared)])
        for s, texts in systems.items()
    }
    words = {
        s: float(numpy.mean([len(cut_words(t, p.budget).split()) for t, p in zip(texts, prepared)]))
        for s, texts in systems.items()
    }
    lead = scores["Lead-3"]
    result = {
        "articles": n,
        "references": sum(len(d.refs) for d in docs),
        "reference_words": float(numpy.mean([numpy.mean([len(r.split()) for r in d.refs]) for d in docs])),
        "body_sentences": float(numpy.mean([len(p.spans) for p in prepared])),
        "systems": {},
    }

    print(
        f"\n### {name}: {n} articles, {result['references']} references "
        f"(mean {result['reference_words']:.1f} words), bodies of {result['body_sentences']:.1f} sentences on average\n"
    )
    budget = f"{count} sentences" if args.budget == "sentences" else "cut to the references' length in words"
    print(
        f"ROUGE F1 × 100, mean [95% bootstrap CI]; budget: {budget}; Δ = paired difference to Lead-3 "
        "(✓/✗: the CI excludes 0)\n"
    )
    print("| system | ROUGE-1 | ROUGE-2 | ROUGE-L | words | Δ R-1 vs Lead-3 | Δ R-2 vs Lead-3 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for system, values in scores.items():
        mean, low, high = bootstrap(values, resamples)
        d_mean, d_low, d_high = bootstrap(values - lead, resamples)
        label = f"`{system}`" if system in METHODS else system
        if system == DEFAULT_METHOD:
            label += " **(default)**"
        if system == "lead":
            label += " (= Lead-3 through analyze)"
        delta = (
            ("—", "—")
            if system == "Lead-3"
            else (diff_cell(d_mean[0], d_low[0], d_high[0]), diff_cell(d_mean[1], d_low[1], d_high[1]))
        )
        print(
            f"| {label} | {fmt(mean[0], low[0], high[0])} | {fmt(mean[1], low[1], high[1])} | "
            f"{fmt(mean[2], low[2], high[2])} | {words[system]:.0f} | {delta[0]} | {delta[1]} |"
        )
        result["systems"][system] = {**ci_record(mean, low, high, d_mean, d_low, d_high), "words": words[system]}
    result["seconds"] = time.perf_counter() - started
    return {
        "prepared": prepared,
        "lead": lead,
        "resamples": resamples,
        "result": result,
        "newsrank_picks": newsrank_picks,
    }


def tuning(sets: dict[str, dict], args, scorer: Scorer, rng) -> dict:
    cache = Cache(scorer)
    count = args.sentences
    tables = {}
    for offset, (name, data) in enumerate(sets.items()):
        tables[name] = grid_scores(data["prepared"], cache, count, offset * 1_000_000)
    report: dict = {"grid": {"w": WEIGHTS, "decay": DECAYS}, "protocols": {}}

    def row(label: str, test: str, per_article: numpy.ndarray, chosen: str, configs: list) -> None:
        data = sets[test]
        differ = sum(
            p.blend(*config, count) != tuple(range(min(count, len(p.spans))))
            for p, config in zip(data["prepared"], configs)
        )
        mean, low, high = bootstrap(per_article, data["resamples"])
        d_mean, d_low, d_high = bootstrap(per_article - data["lead"], data["resamples"])
        print(
            f"| {label} | {test} | {chosen} | {fmt(mean[0], low[0], high[0])} | {fmt(mean[1], low[1], high[1])} | "
            f"{fmt(mean[2], low[2], high[2])} | {diff_cell(d_mean[0], d_low[0], d_high[0])} | "
            f"{diff_cell(d_mean[1], d_low[1], d_high[1])} | {differ}/{len(configs)} |"
        )
        report["protocols"][f"{label} -> {test}"] = {
            "chosen": chosen,
            "differs_from_lead3": differ,
            **ci_record(mean, low, high, d_mean, d_low, d_high),
        }

    print("\n### Tuning the centrality/position blend (newsrank = w·centrality + (1−w)·exp(−i/decay))\n")
    current = current_blend(sets, count)
    articles = sum(len(data["prepared"]) for data in sets.values())
    if current is None:
        print(
            f"warning: no (w, decay) on the grid reproduces `newsrank`'s choices on all {articles} articles "
            "(has its formula changed?): the rows below describe the formula above, not necessarily newsrank\n"
        )
    else:
        print(
            f"`newsrank` today = w {current[0]}, decay {current[1]:g}: this re-implementation reproduces its "
            f"choices on all {articles} articles.\n"
        )
    report["newsrank_today"] = current
    print(
        f"Grid: w ∈ {{{', '.join(str(w) for w in WEIGHTS[::4])}, … step 0.05}}, decay ∈ {DECAYS}; "
        "objective: mean (ROUGE-1 F1 + ROUGE-2 F1)/2 on the tuning articles only.\n"
    )
    print(
        "| protocol | tested on | configuration(s) (w, decay) | ROUGE-1 | ROUGE-2 | ROUGE-L | Δ R-1 vs Lead-3 | "
        "Δ R-2 vs Lead-3 | ≠ Lead-3 |"
    )
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for name in sets:
        if current is not None:
            row(
                "`newsrank` today",
                name,
                tables[name][current],
                f"{current[0]}, {current[1]:g}",
                [current] * len(sets[name]["prepared"]),
            )
    names = list(sets)
    report["chosen_on"] = {}
    for tuned in names:
        best = choose(tables[tuned])
        report["chosen_on"][tuned] = best
        for name in names:
            if name != tuned:
                row(
                    f"tuned on {tuned} (all {len(sets[tuned]['prepared'])})",
                    name,
                    tables[name][best],
                    f"{best[0]}, {best[1]:g}",
                    [best] * len(sets[name]["prepared"]),
                )
    for name in names:
        n = len(sets[name]["prepared"])
        if n < 5:
            continue
        if n <= 40:
            folds = [numpy.array([k]) for k in range(n)]
            label = "leave-one-out"
        else:
            order = numpy.random.default_rng(args.seed).permutation(n)
            folds = [order[f::5] for f in range(5)]
            label = "5-fold CV"
        per_article = numpy.zeros((n, 3))
        picks: dict[tuple[float, float], int] = {}
        configs: list = [None] * n
        for fold in folds:
            train = numpy.setdiff1d(numpy.arange(n), fold)
            config = choose(tables[name], train)
            picks[config] = picks.get(config, 0) + 1
            per_article[fold] = tables[name][config][fold]
            for k in fold:
                configs[k] = config
        chosen = "; ".join(f"{w}, {d:g} ×{c}" for (w, d), c in sorted(picks.items(), key=lambda x: -x[1])[:4])
        if len(picks) > 4:
            chosen += f"; +{len(picks) - 4} more"
        row(label, name, per_article, chosen, configs)
        report[f"{label} picks on {name}"] = [[w, d, c] for (w, d), c in picks.items()]

    # Landscape, for reading (in-sample: do not choose from it).
    print(
        "\nIn-sample landscape (for reading, not for choosing): mean (R-1 + R-2)/2 F1 × 100, best decay per w, "
        "and Lead-3 for reference\n"
    )
    header = "| w | " + " | ".join(f"{name} (best decay)" for name in names) + " |"
    print(header)
    print("|" + "---|" * (len(names) + 1))
    landscape = {}
    for w in WEIGHTS[::2]:
        cells = []
        for name in names:
            d = max(DECAYS, key=lambda d: objective(tables[name][(w, d)]))
            cells.append(f"{objective(tables[name][(w, d)]) * 100:.2f} ({d:g})")
            landscape.setdefault(name, {})[str(w)] = {
                str(d2): objective(tables[name][(w, d2)]) for d2 in DECAYS
            }
        print(f"| {w} | " + " | ".join(cells) + " |")
    print("| Lead-3 | " + " | ".join(f"{objective(sets[name]['lead']) * 100:.2f}" for name in names) + " |")
    report["landscape"] = landscape
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--gum",
        type=Path,
        default=Path(os.environ.get("BRIEFING_GUM_DIR", ROOT.parent / "shared" / "eval" / "gum")),
        help="a GUM checkout (folders xml/ and dep/); default $BRIEFING_GUM_DIR or ../shared/eval/gum",
    )
    parser.add_argument(
        "--gum-genres", default="news,interview", help="GUM genres, one set each (default: news,interview)"
    )
    parser.add_argument(
        "--eval", type=Path, default=ROOT.parent / "shared" / "eval", help="shared eval data (MEANTIME)"
    )
    parser.add_argument(
        "--data", type=Path, action="append", default=[], help="extra JSONL set: text, summary"
    )
    parser.add_argument("--sentences", type=int, default=3)
    parser.add_argument("--budget", choices=("sentences", "words"), default="sentences")
    parser.add_argument("--resamples", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--no-tune", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "rouge_eval.json")
    args = parser.parse_args()

    sets: dict[str, list[Doc]] = {}
    if (args.gum / "xml").is_dir() and (args.gum / "dep").is_dir():
        for genre in args.gum_genres.split(","):
            sets[f"gum-{genre}"] = load_gum(args.gum, (genre,))
    else:
        print(
            f"note: no GUM checkout at {args.gum} (xml/ and dep/): the human-reference set is skipped; "
            "get https://github.com/amir-zeldes/gum and pass --gum DIR",
            file=sys.stderr,
        )
    meantime = args.eval / "meantime_en" / "docs.jsonl"
    if meantime.is_file():
        sets["wikinews-headlines"] = load_headlines(meantime)
    else:
        print(f"note: {meantime} not found: the headline proxy is skipped", file=sys.stderr)
    for path in args.data:
        sets[path.stem] = load_jsonl(path)
    if not sets:
        sys.exit("no evaluation data: see --help")

    scorer = Scorer()
    rng = numpy.random.default_rng(args.seed)
    print(
        f"Summary quality (ROUGE F1, rouge-score with Porter stemming); {platform.python_implementation()} "
        f"{platform.python_version()}; default method `{DEFAULT_METHOD}`"
    )
    evaluated = {name: evaluate_set(name, docs, args, scorer, rng) for name, docs in sets.items()}
    report = {
        "sets": {name: data["result"] for name, data in evaluated.items()},
        "budget": args.budget,
        "sentences": args.sentences,
        "resamples": args.resamples,
    }
    if not args.no_tune:
        report["tuning"] = tuning(evaluated, args, scorer, rng)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main()
