"""Benchmark of the page-text and HTML clean-up and of language identification.

Run with ``python -m benchmarks extract`` (or ``python -m benchmarks.bench_extract``). Prints:

* the page-text clean-up on the development set ``pagetext-dev`` (200 pages, gold bodies, its own
  scorer ``score.py``): 4-gram F1, precision and recall, overall, per subset and per dump style
  (``pages`` = bs4, ``w3m``), for keep-everything, jusText on the dump (one ``<p>`` per line,
  English stop list; the optional ``bench`` extra), the rules alone, and the rules with the line
  classifier **cross-validated by site** (5 folds: each page is cleaned by a model that never saw
  its site; the threshold is chosen inside the training folds), beside the packaged model, which
  is trained on the Readability pages only: its ``dragnet`` figures are held out, its
  ``readability`` figures are fitted (not a held-out figure), and a separate row gives it on the
  held-out Dragnet pages alone;
* the seed page's time; pages/s and µs/line of the clean-up on page-like text built from the real
  press releases; the HTML evaluation share and ms/page; lingua's batch throughput.

``python -m benchmarks.bench_extract --train`` retrains the packaged line model
(``corpus/data/line_model.json``) on the Readability part of the development set and prints its
cross-validated figures; ``--dev-only`` runs only the development-set part; ``--min-recall 0.93``
picks the keep threshold (of the cross-validation and of ``--train``) among those that keep at
least that share of the article's words (default :data:`MIN_RECALL`: the threshold of best F1).
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlparse

import numpy as np
import pandas as pd

from secnews.corpus.clean.boilerplate import Block, CleanSettings
from secnews.corpus.clean.langid import detect_languages
from secnews.corpus.clean.line_model import MODEL_FILE, line_features
from secnews.corpus.clean.line_train import LineClassifier, PageLines, line_labels
from secnews.corpus.clean.normalize import normalize_inline
from secnews.corpus.loaders.html_eval import evaluate_html, overall_share
from secnews.corpus.loaders.page import clean_page
from secnews.corpus.loaders.pagetext import PageTextSettings, extract_pagetext, page_rule_pass
from secnews.corpus.paths import data_dir

STYLES = ("pages", "w3m")
MODEL_VERSION = "3.1"
#: The keep threshold is the one of best cross-validated line F1 among those that keep at least
#: this share of the article's words (``--min-recall``; 0: the threshold of best F1).
MIN_RECALL = 0.0
_SECOND_LEVEL = frozenset({"co", "com", "org", "ac", "gov", "net"})


# -- the development set ------------------------------------------------------------------------
def _scorer(dev: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("pagetext_dev_score", dev / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _site(url: str, page: str) -> str:
    """The registered domain of a page's URL (``blogs.nytimes.com`` -> ``nytimes.com``); pages
    without a URL are each their own site."""
    host = urlparse(url).hostname or "" if url else ""
    if not host:
        return f"page:{page}"
    parts = host.split(".")
    keep = 3 if len(parts) >= 3 and parts[-2] in _SECOND_LEVEL and len(parts[-1]) == 2 else 2
    return ".".join(parts[-keep:])


def _manifest(dev: Path) -> list[dict[str, str]]:
    lines = (dev / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    rows = [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:] if line]
    for row in rows:
        row["site"] = _site(row["url"], row["id"])
    return rows


def _same_site(
    rows: list[dict[str, str]], row: dict[str, str], dev: Path, style: str
) -> list[Path]:
    return [
        dev / style / f"{r['id']}.txt" for r in rows if r["site"] == row["site"] and r is not row
    ]


def _stopwords() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def _page_lines(
    rows: list[dict[str, str]], dev: Path, stopwords: frozenset[str]
) -> list[PageLines]:
    """The lines the line model judges, for every page and dump style, with their labels."""
    out = []
    for style in STYLES:
        for row in rows:
            gold = (dev / "pages" / f"{row['id']}.gold.txt").read_text(encoding="utf-8")
            path = dev / style / f"{row['id']}.txt"
            blocks, reasons, start = page_rule_pass(
                path, site_paths=_same_site(rows, row, dev, style)
            )
            texts = [b.text for b in blocks]
            features = line_features(texts, [r is not None for r in reasons], stopwords=stopwords)
            judged = np.array([i >= start and r is None for i, r in enumerate(reasons)], bool)
            words = np.array([len(t.split()) for t in texts], float)
            out.append(
                PageLines(
                    page=f"{style}/{row['id']}",
                    group=row["site"],
                    features=features[judged],
                    labels=line_labels(texts, gold)[judged],
                    words=words[judged],
                )
            )
    return out


def _clean_outputs(
    rows: list[dict[str, str]], dev: Path, style: str, clean: CleanSettings
) -> dict[str, str]:
    settings = PageTextSettings(clean=clean)
    out = {}
    for row in rows:
        try:
            result = extract_pagetext(
                dev / style / f"{row['id']}.txt",
                settings=settings,
                site_paths=_same_site(rows, row, dev, style),
            )
        except ValueError:
            out[row["id"]] = ""
            continue
        out[row["id"]] = "\n\n".join(x for x in (result.title, result.lede, result.text) if x)
    return out


def _justext_outputs(rows: list[dict[str, str]], dev: Path, style: str) -> dict[str, str] | None:
    try:
        import justext
    except ImportError:
        return None
    from html import escape

    stoplist = justext.get_stoplist("English")
    out = {}
    for row in rows:
        dump = (dev / style / f"{row['id']}.txt").read_text(encoding="utf-8")
        paragraphs = "".join(f"<p>{escape(line)}</p>" for line in dump.splitlines() if line.strip())
        html = f"<html><body>{paragraphs}</body></html>".encode()
        found = justext.justext(html, stoplist, encoding="utf-8")
        out[row["id"]] = "\n\n".join(p.text for p in found if not p.is_boilerplate)
    return out


def _cross_validated(
    rows: list[dict[str, str]],
    dev: Path,
    pages: list[PageLines],
    stopwords: frozenset[str],
    n_splits: int = 5,
    min_recall: float = MIN_RECALL,
) -> tuple[dict[str, dict[str, str]], list[float]]:
    """Outputs of every page cleaned by a model fitted without its site (both styles)."""
    from sklearn.model_selection import GroupKFold

    outputs: dict[str, dict[str, str]] = {style: {} for style in STYLES}
    thresholds = []
    sites = sorted({r["site"] for r in rows})
    folds = GroupKFold(n_splits=n_splits).split(np.zeros(len(sites)), groups=sites)
    with tempfile.TemporaryDirectory() as tmp:
        for k, (_, test) in enumerate(folds):
            held_out = {sites[i] for i in test}
            train = [p for p in pages if p.group not in held_out]
            clf = LineClassifier(n_splits=n_splits, min_recall=min_recall).fit(train)
            thresholds.append(clf.threshold_)
            path = Path(tmp) / f"fold{k}.json"
            model = clf.to_model(version=f"cv-fold-{k}", stopwords=stopwords, trained={})
            path.write_text(json.dumps(model.to_dict()), encoding="utf-8")
            test_rows = [r for r in rows if r["site"] in held_out]
            clean = CleanSettings(line_model=str(path))
            for style in STYLES:
                found = _clean_outputs(test_rows, dev, style, clean)
                # the site context comes from all pages of the site, which are all in this fold
                outputs[style].update(found)
    return outputs, thresholds


def _scores(
    scorer: ModuleType, gold: dict[str, str], outputs: dict[str, str], rows: list[dict[str, str]]
) -> dict[str, dict[str, float]]:
    out = {}
    for subset in ("all", "dragnet", "readability"):
        ids = {r["id"] for r in rows if subset in ("all", r["subset"])}
        part = {i: g for i, g in gold.items() if i in ids}
        m = scorer.evaluate(part, outputs, 4, 0)
        out[subset] = {k: float(m[k]) for k in ("f1", "precision", "recall")}
        out[subset]["empty"] = float(m["n_empty"])
    return out


def _held_out(
    scorer: ModuleType, gold: dict[str, str], outputs: dict[str, str], rows: list[dict[str, str]]
) -> dict[str, float]:
    """Scores of the pages outside :data:`TRAIN_SUBSETS` (never seen by the packaged model)."""
    ids = {r["id"] for r in rows if r["subset"] not in TRAIN_SUBSETS}
    m = scorer.evaluate({i: g for i, g in gold.items() if i in ids}, outputs, 4, 0)
    return {k: float(m[k]) for k in ("f1", "precision", "recall")}


def _row(name: str, style: str, scores: dict[str, dict[str, float]]) -> str:
    a = scores["all"]
    return (
        f"  {name:34s} {style:5s}  F1 {a['f1']:.3f}  P {a['precision']:.3f}  R {a['recall']:.3f}"
        f"  | dragnet {scores['dragnet']['f1']:.3f}  readability {scores['readability']['f1']:.3f}"
        f"  (empty {int(a['empty'])})"
    )


def dev_benchmark(root: Path, *, min_recall: float = MIN_RECALL) -> dict[str, Any]:
    """Score every system on the development set (see the module docstring); print and return."""
    dev = root / "pagetext-dev"
    scorer = _scorer(dev)
    rows = _manifest(dev)
    gold = scorer.load_gold(dev / "pages")
    stopwords = _stopwords()
    start = time.perf_counter()
    pages = _page_lines(rows, dev, stopwords)
    systems: dict[str, Callable[[str], dict[str, str] | None]] = {
        "keep everything": lambda style: {
            r["id"]: (dev / style / f"{r['id']}.txt").read_text(encoding="utf-8") for r in rows
        },
        "jusText (dump as <p> lines)": lambda style: _justext_outputs(rows, dev, style),
        "secnews rules only": lambda style: _clean_outputs(
            rows, dev, style, CleanSettings(line_model=None)
        ),
        "secnews packaged model": lambda style: _clean_outputs(rows, dev, style, CleanSettings()),
    }
    results: dict[str, Any] = {}
    print(f"pagetext-dev: {len(rows)} pages, {len({r['site'] for r in rows})} sites; "
          "4-gram shingle F1 (score.py)")  # fmt: skip
    for name, run in systems.items():
        for style in STYLES:
            outputs = run(style)
            if outputs is None:
                print(f"  {name:34s} {style:5s}  (not installed: pip install 'secnews[bench]')")
                continue
            results[f"{name}|{style}"] = scores = _scores(scorer, gold, outputs, rows)
            print(_row(name, style, scores))
            if name == "secnews packaged model":
                held = _held_out(scorer, gold, outputs, rows)
                results[f"{name}, held out (dragnet)|{style}"] = held
                print(f"  {'  held out: dragnet pages only':34s} {style:5s}  F1 {held['f1']:.3f}  "
                      f"P {held['precision']:.3f}  R {held['recall']:.3f}  (trained on "
                      f"{', '.join(TRAIN_SUBSETS)} only)")  # fmt: skip
    held_out, thresholds = _cross_validated(rows, dev, pages, stopwords, min_recall=min_recall)
    for style in STYLES:
        results[f"secnews model, site-held-out CV|{style}"] = scores = _scores(
            scorer, gold, held_out[style], rows
        )
        print(_row("secnews model, site-held-out CV", style, scores))
    both = {f"{s}/{i}": t for s in STYLES for i, t in held_out[s].items()}
    gold_both = {f"{s}/{i}": g for s in STYLES for i, g in gold.items()}
    m = scorer.evaluate(gold_both, both, 4, 0)
    results["secnews model, site-held-out CV|both"] = {
        k: float(m[k]) for k in ("f1", "precision", "recall")
    }
    print(f"  site-held-out CV, both styles: F1 {m['f1']:.3f}  P {m['precision']:.3f}  "
          f"R {m['recall']:.3f}; recall floor {min_recall}; fold thresholds "
          f"{', '.join(f'{t:.2f}' for t in thresholds)}; {time.perf_counter() - start:.0f} s")  # fmt: skip
    return results


#: The part of the development set the packaged model is trained on. Only the Readability pages
#: (Apache-2.0): the Dragnet pages are AGPL-3.0, whose terms reach derived works such as fitted
#: coefficients, which an MIT package must not ship. They serve as held-out evaluation pages.
TRAIN_SUBSETS = ("readability",)


def train(root: Path, out: Path | None = None, *, min_recall: float = MIN_RECALL) -> Path:
    """Retrain the packaged line model on :data:`TRAIN_SUBSETS` of the development set; write it
    and return its path."""
    dev = root / "pagetext-dev"
    rows = [r for r in _manifest(dev) if r["subset"] in TRAIN_SUBSETS]
    stopwords = _stopwords()
    pages = _page_lines(rows, dev, stopwords)
    clf = LineClassifier(min_recall=min_recall).fit(pages)
    trained = {
        "data": f"pagetext-dev, subsets {', '.join(TRAIN_SUBSETS)} ({len(rows)} pages, bs4 and "
        "w3m dumps)",
        "data_licences": "Readability part: Apache-2.0 (see the set's README); the AGPL-3.0 "
        "Dragnet part is not used for training",
        "command": "python -m benchmarks.bench_extract --train",
        "lines": int(sum(len(p.labels) for p in pages)),
        "article_share": round(float(np.mean(np.concatenate([p.labels for p in pages]))), 4),
        "classifier": {
            "min_recall": clf.min_recall,
            "C": clf.C_,
            "Cs": list(clf.Cs),
            "n_splits": clf.n_splits,
            "f1_tolerance": clf.f1_tolerance,
            "context": clf.context,
            "sequence_weight": clf.sequence_weight_,
        },
        "threshold_cv_line_f1": {k: round(v, 4) for k, v in clf.cv_lines_.items()},
        "stopwords": "scikit-learn ENGLISH_STOP_WORDS",
    }
    model = clf.to_model(version=MODEL_VERSION, stopwords=stopwords, trained=trained)
    if out is None:
        import secnews.corpus

        out = Path(secnews.corpus.__file__).resolve().parent / "data" / MODEL_FILE
    from secnews.corpus.atomic import atomic_write_text

    atomic_write_text(out, json.dumps(model.to_dict(), indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {out}: threshold {clf.threshold_:.2f}, CV line F1 {clf.cv_lines_}")
    return out


_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"])")


def _press_pages(root: Path) -> list[list[Block]]:
    folder = root / "kremlin-ukraine-press-2021-2022"
    sources = [
        (pd.read_csv(folder / "kremlin_putin.csv"), "headline", "body"),
        (pd.read_csv(folder / "president_ua_zelenskyy.csv"), "headline", "body"),
        (pd.read_excel(root / "usgov-ukraine-2022" / "Government_Data.xlsx"), "title", "article"),
    ]
    pages = []
    for frame, title, body in sources:
        for head, text in zip(
            frame[title].fillna("").astype(str), frame[body].fillna("").astype(str), strict=True
        ):
            sentences = _SENTENCE.split(text)
            paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
            blocks = [Block(normalize_inline(head))]
            blocks += [Block(normalize_inline(p)) for p in paragraphs if p.strip()]
            pages.append(blocks)
    return pages


def main(argv: list[str] | None = None) -> None:
    from threadpoolctl import threadpool_limits

    args = sys.argv[1:] if argv is None else argv
    root = data_dir()
    min_recall = (
        float(args[args.index("--min-recall") + 1]) if "--min-recall" in args else MIN_RECALL
    )
    if not 0.0 <= min_recall <= 1.0:
        raise SystemExit(f"--min-recall must lie in [0, 1], got {min_recall}")
    # one BLAS thread: the many small logistic-regression fits are slower with more on a
    # shared machine, and the figures do not depend on it
    with threadpool_limits(limits=1):
        if "--train" in args:
            train(root, min_recall=min_recall)
            return
        dev_benchmark(root, min_recall=min_recall)
    if "--dev-only" in args:
        return
    seed = root / "seed-article" / "000_da4050e255aaa6b8.txt"
    start = time.perf_counter()
    extract_pagetext(seed)
    first = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(20):
        extract_pagetext(seed)
    print(f"seed page: first call {first:.2f} s (loads lingua), then "
          f"{(time.perf_counter() - start) / 20 * 1000:.1f} ms/page")  # fmt: skip

    pages = _press_pages(root)
    n_lines = sum(len(p) for p in pages)
    start = time.perf_counter()
    removed = sum(len(clean_page(p, source_path="bench").removed) for p in pages)
    seconds = time.perf_counter() - start
    print(f"press pages: {len(pages)} pages, {n_lines} lines in {seconds:.1f} s = "
          f"{len(pages) / seconds:.0f} pages/s, {seconds / n_lines * 1e6:.0f} us/line; "
          f"{removed} lines removed")  # fmt: skip

    html = root / "html-news-pages"
    evaluate_html(html / "evaldata_subset.json", html / "html")  # warm-up
    start = time.perf_counter()
    scores = evaluate_html(html / "evaldata_subset.json", html / "html")
    seconds = time.perf_counter() - start
    print(f"html eval: share {overall_share(scores):.3f} of checks; "
          f"{seconds / len(scores) * 1000:.0f} ms/page")  # fmt: skip
    for score in scores:
        print(f"  {score.file:55s} {score.share:.2f}  {'; '.join(score.failed)}")

    docs = [" ".join(b.text for b in p) for p in pages]
    start, cpu = time.perf_counter(), time.process_time()
    languages = detect_languages(docs)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"langid press: {len(docs)} docs in {seconds:.2f} s = {len(docs) / seconds:.0f} docs/s; "
          f"{len(docs) / cpu:.0f} docs per CPU-second; {languages.count('en')} en")  # fmt: skip
    un_files = sorted((root / "ungdc-1946-2024" / "TXT").glob("*/*.txt"))[:3000]
    un_docs = [f.read_text("utf-8", errors="replace")[:1200] for f in un_files]
    start, cpu = time.perf_counter(), time.process_time()
    languages = detect_languages(un_docs)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"langid UN: {len(un_docs)} docs in {seconds:.2f} s = {len(un_docs) / seconds:.0f} "
          f"docs/s, {len(un_docs) / cpu:.0f} docs per CPU-second; {languages.count('en')} en")  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
