"""Time per article of each summarizer on the seed articles.

Usage: .venv/bin/python bench/summarizers.py [--runs 9] [--seeds seeds]

For every registered method, each seed article is split, language-tagged and summarized to 3
sentences (``summarizer.analyze`` without entity spotting) ``--runs`` times after one warm-up;
the table gives the median time per article and the ratio to the ``lead`` baseline measured in
the same run. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.briefings.loaders import load_file  # noqa: E402
from summarizer import DEFAULT_METHOD, METHODS, analyze  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    args = parser.parse_args()

    texts = [load_file(p, 10_000_000).text for p in sorted(args.seeds.glob("*.txt"))]
    if not texts:
        sys.exit(f"no .txt articles in {args.seeds}")
    sentences = [len(analyze(t, entities=False).sentences) for t in texts]
    words = [len(t.split()) for t in texts]

    medians: dict[str, float] = {}
    for name in METHODS:
        for text in texts:  # warm-up: imports, stop-word and stemmer caches
            analyze(text, method=name, entities=False)
        samples = []
        for _ in range(args.runs):
            for text in texts:
                start = time.perf_counter()
                analyze(text, method=name, entities=False)
                samples.append(time.perf_counter() - start)
        medians[name] = statistics.median(samples)

    print(f"Summarizer time per article — {len(texts)} seed articles "
          f"({', '.join(f'{w} words/{s} sentences' for w, s in zip(words, sentences))}), "
          f"median of {args.runs} runs each")
    print(f"Machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
          f"{platform.system()}\n")
    print("| method | ms per article (median) | × lead | description |")
    print("|---|---:|---:|---|")
    base = medians["lead"]
    for name, method in METHODS.items():
        star = " **(default)**" if name == DEFAULT_METHOD else ""
        print(f"| `{name}`{star} | {medians[name] * 1000:.2f} | {medians[name] / base:.1f} | {method.description} |")


if __name__ == "__main__":
    main()
