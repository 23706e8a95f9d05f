"""Benchmark of the page-text and HTML clean-up and of language identification.

Run with ``python -m benchmarks.bench_extract`` (or through ``python -m benchmarks``). Prints:
the seed page's time; pages/s and µs/line of the clean-up on page-like text built from the real
press releases (Kremlin, president.gov.ua, US government); the HTML evaluation share and ms/page;
lingua's batch throughput (docs/s) on the press corpora and on UN speeches (first 1,000 chars).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pandas as pd

from secnews.corpus.clean.boilerplate import Block
from secnews.corpus.clean.langid import detect_languages
from secnews.corpus.clean.normalize import normalize_inline
from secnews.corpus.loaders.html_eval import evaluate_html, overall_share
from secnews.corpus.loaders.page import clean_page
from secnews.corpus.loaders.pagetext import extract_pagetext
from secnews.corpus.paths import data_dir

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


def main() -> None:
    root = data_dir()
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
    main()
