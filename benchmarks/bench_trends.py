"""Benchmark: yearly trends of 100 terms by country on the UN General Debate corpus.

Steps timed separately, in wall seconds and CPU seconds of this process (DuckDB's threads
included; on a shared machine the CPU seconds are the steadier figure):

1. **load**: read the 10,952 speeches (``TXT/Session NN - YYYY/ISO_NN_YYYY.txt``; country and
   year from the path) and normalize them (:func:`secnews.corpus.clean.normalize.normalize_text`) into
   a DataFrame; with ``--loader folder`` the corpus's own folder loader
   (:func:`secnews.corpus.loaders.folder.load_folder`, which also repairs hyphenation) is used instead;
2. **count**: :func:`secnews.analysis.trends.counts.document_counts` in DuckDB, every term in every
   speech, by ``meta.country`` and year (the same again from a Parquet file with ``--parquet``);
3. **table**: :func:`secnews.analysis.trends.intervals.trend_table` (rates, exact Poisson and
   Clopper-Pearson intervals: one speech per country and year, so no bootstrap) and, by year for
   all countries together (counted again, not timed), the document bootstrap (BCa, 1000
   replicates);
4. **changepoints**: PELT and Kleinberg on the 100 yearly series of all countries together.

Run: ``python -m benchmarks.bench_trends`` (or through ``python -m benchmarks``).
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from secnews.analysis.lexicon import parse_terms
from secnews.analysis.trends.changepoints import detect_changepoints
from secnews.analysis.trends.counts import TrendSettings, document_counts, term_groups
from secnews.analysis.trends.intervals import trend_table
from secnews.corpus.clean.normalize import normalize_text
from secnews.corpus.paths import data_dir

#: 100 terms, phrases and wildcards of security-policy talk.
TERMS: tuple[str, ...] = (
    "terrorism", "terrorist*", "cold war", "nuclear", "nuclear weapon*", "disarmament",
    "non-proliferation", "arms race", "arms control", "security council", "peacekeeping",
    "peace-keeping operation*", "sanction*", "embargo", "invasion", "aggression", "occupation",
    "annexation", "sovereignty", "territorial integrity", "self-determination", "colonialism",
    "decoloni*", "apartheid", "imperialism", "détente", "detente", "nato", "warsaw pact",
    "soviet union", "united states", "russia*", "ukrain*", "crimea", "afghanistan", "iraq",
    "iran", "syria*", "israel*", "palestin*", "korea*", "viet*", "cuba*", "south africa",
    "namibia", "rhodesia", "congo", "yugoslavia", "bosnia", "kosovo", "rwanda", "genocide",
    "ethnic cleansing", "human rights", "humanitarian", "refugee*", "migration", "climate change",
    "global warming", "sustainable development", "millennium development goals", "poverty",
    "debt", "globalization", "pandemic", "covid-19", "ebola", "hiv", "aids", "drug trafficking",
    "organized crime", "piracy", "cyber*", "weapons of mass destruction", "chemical weapons",
    "biological weapons", "landmine*", "small arms", "mercenar*", "extremism", "radicali*",
    "jihad*", "al-qaida", "al-qaeda", "isil", "da'esh", "taliban", "boko haram", "hostage*",
    "hijack*", "war on terror", "responsibility to protect", "regime change", "multilateralism",
    "unilateral*", "hegemon*", "superpower*", "new world order", "reform of the security council",
    "veto",
)  # fmt: skip
_UN_FILE = re.compile(r"^([A-Z]{2,3})_(\d+)_(\d{4})\.txt$")
UN_PATTERN = "TXT/Session {session} - {year}/{country}_{session}_{year}.txt"


def load_un_plain(root: Path) -> pd.DataFrame:
    """Read every speech into ``doc_id, outlet, published, title, text, meta`` (year in meta)."""
    rows = []
    for path in sorted((root / "TXT").glob("Session */*.txt")):
        match = _UN_FILE.match(path.name)
        if not match:
            continue
        text = normalize_text(path.read_bytes().decode("utf-8-sig", errors="replace"))
        meta = {
            "country": match.group(1),
            "session": int(match.group(2)),
            "year": int(match.group(3)),
        }
        rows.append(
            (path.stem, "UN General Debate", None, "", text, json.dumps(meta, sort_keys=True))
        )
    return pd.DataFrame(rows, columns=["doc_id", "outlet", "published", "title", "text", "meta"])


def load_un_folder(root: Path) -> pd.DataFrame:
    """The same through :func:`secnews.corpus.loaders.folder.load_folder` (hyphenation repaired)."""
    from secnews.corpus.loaders.folder import FolderSettings, fit_hyphenation, load_folder
    from secnews.corpus.record import Article

    settings = FolderSettings(n_jobs=-1)
    files = sorted(str(p) for p in (root / "TXT").glob("*/*_*_*.txt"))
    model = fit_hyphenation(files, settings=settings)
    rows = [
        item.to_row()
        for item in load_folder(
            root, pattern=UN_PATTERN, settings=settings, outlet="UN General Debate", model=model
        )
        if isinstance(item, Article)
    ]
    return pd.DataFrame(rows)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class _Clock:
    """Wall and CPU seconds (all threads of this process, DuckDB's included) of one step."""

    def __init__(self, figures: dict[str, float], name: str) -> None:
        self.figures, self.name = figures, name

    def __enter__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), _cpu()

    def __exit__(self, *exc: object) -> None:
        self.figures[f"{self.name}_wall_s"] = time.perf_counter() - self.wall
        self.figures[f"{self.name}_cpu_s"] = _cpu() - self.cpu


def run(*, loader: str = "plain", parquet: bool = False, n_boot: int = 1000) -> dict[str, float]:
    """Run every step once and return the figures (seconds and sizes)."""
    root = data_dir() / "ungdc-1946-2024"
    specs = parse_terms(list(TERMS))
    figures: dict[str, float] = {"terms": len(specs), "passes": len(term_groups(specs))}
    with _Clock(figures, "load"):
        frame = load_un_plain(root) if loader == "plain" else load_un_folder(root)
    figures["documents"] = len(frame)

    by_country = TrendSettings(freq="Y", by="meta.country", n_boot=n_boot)
    with _Clock(figures, "count"):
        counts = document_counts(frame, specs, settings=by_country)
    figures["tokens"] = int(counts.frame["tokens"].sum())
    if parquet:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "documents.parquet"
            frame.to_parquet(path, index=False)
            with _Clock(figures, "count_from_parquet"):
                document_counts(path, specs, settings=by_country)
    with _Clock(figures, "table_by_country"):
        table = trend_table(counts, settings=by_country)
    figures["rows_by_country"] = len(table)

    by_year = TrendSettings(freq="Y", by=None, n_boot=n_boot)
    yearly_counts = document_counts(frame, specs, settings=by_year)
    with _Clock(figures, "bootstrap_all_countries"):
        yearly = trend_table(yearly_counts, settings=by_year)
    with _Clock(figures, "changepoints"):
        changes = detect_changepoints(yearly)
    figures["changepoints"] = len(changes)
    return figures


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loader", choices=["plain", "folder"], default="plain")
    parser.add_argument("--parquet", action="store_true", help="also count from a Parquet file")
    parser.add_argument("--n-boot", type=int, default=1000)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    figures = run(loader=args.loader, parquet=args.parquet, n_boot=args.n_boot)
    for key, value in figures.items():
        print(f"{key:38s} {value:,.2f}" if isinstance(value, float) else f"{key:38s} {value:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
