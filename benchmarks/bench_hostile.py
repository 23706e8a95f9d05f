"""Benchmark of hostile inputs (issue 17): each must take time linear in its size, or be refused
at once, with bounded memory.

- relevance scoring of one document of 4, 16 and 64 million characters (a UN speech repeated):
  seconds and the ratio to the 4M time (linear: about 4 and 16);
- ids of identical table rows without a URL: a build of 10k, 20k and 40k such rows (language id,
  relevance and duplicates off, so the id step dominates);
- a CSV whose first line is a header of 25 million columns (50 MB), and an Excel file of 441 KB
  that holds one cell of 150 million characters: seconds to the reject and the peak resident
  memory of the process.

Run: ``python -m benchmarks.bench_hostile`` (or through ``python -m benchmarks hostile``).
"""

from __future__ import annotations

import csv
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow as pa

from secnews.corpus import BuildSettings, Source, build_corpus
from secnews.corpus.clean.relevance import load_relevance_lexicon, relevance_scores_arrow
from secnews.corpus.loaders.tabular import load_table
from secnews.corpus.paths import data_dir

_SPEECH = "ungdc-1946-2024/TXT/Session 77 - 2022/USA_77_2022.txt"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_relevance(sizes: tuple[int, ...] = (4, 16, 64)) -> list[dict[str, Any]]:
    """Seconds to score one document of each size (millions of characters)."""
    speech = (data_dir() / _SPEECH).read_text(encoding="utf-8") + "\n"
    lexicon = load_relevance_lexicon()
    relevance_scores_arrow(pa.array(["warm up"], pa.large_string()), n_words=[2], lexicon=lexicon)
    out = []
    for millions in sizes:
        text = speech * (millions * 1_000_000 // len(speech))
        array = pa.array([text], pa.large_string())
        words = [len(text.split())]
        start = time.perf_counter()
        relevance_scores_arrow(array, n_words=words, lexicon=lexicon)
        out.append({"chars": len(text), "seconds": time.perf_counter() - start})
    return out


def bench_identical_rows(
    folder: Path, counts: tuple[int, ...] = (10_000, 20_000, 40_000)
) -> list[dict[str, Any]]:
    """Seconds to build a table of ``n`` identical rows without a URL."""
    speech = (data_dir() / _SPEECH).read_text(encoding="utf-8")
    body = " ".join(speech.split()[:200])
    settings = BuildSettings(language_id=False, relevance=False, dedupe=False)
    out = []
    for n in counts:
        path = folder / f"same_{n}.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["title", "text"])
            writer.writerows([["The same row", body]] * n)
        start = time.perf_counter()
        build_corpus([Source(path)], folder / f"c{n}", settings=settings, progress=False)
        out.append({"rows": n, "seconds": time.perf_counter() - start})
    return out


def _bomb(path: Path, chars: int) -> None:
    import zipfile

    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<Types xmlns="{pkg}/content-types"><Default Extension="xml" '
            'ContentType="application/xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{pkg}/relationships"><Relationship Id="rId1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{ns}" xmlns:r="{rel}"><sheets><sheet name="S" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{pkg}/relationships"><Relationship Id="rId1" '
            f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                f'<worksheet xmlns="{ns}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is>'
                '<t>text</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>'.encode()
            )
            chunk = b"a" * 1_000_000
            for _ in range(chars // len(chunk)):
                sheet.write(chunk)
            sheet.write(b"</t></is></c></row></sheetData></worksheet>")


def bench_refusals(folder: Path) -> list[dict[str, Any]]:
    """Seconds to the reject of a 25-million-column header and of a 150M-character Excel cell."""
    wide = folder / "wide.csv"
    with open(wide, "w", encoding="utf-8") as handle:
        for _ in range(25):
            handle.write("c," * 1_000_000)
        handle.write("text\nx\n")
    bomb = folder / "bomb.xlsx"
    _bomb(bomb, 150_000_000)
    out = []
    for path in (wide, bomb):
        start = time.perf_counter()
        items = list(load_table(path))
        out.append(
            {
                "file": f"{path.name} ({path.stat().st_size / 1e6:.2f} MB)",
                "seconds": time.perf_counter() - start,
                "reason": getattr(items[0], "reason", "")[:70],
                "peak_mb": _peak_mb(),
            }
        )
    return out


def main() -> int:
    """Print the figures (the refusals first, so that their peak memory is their own)."""
    with tempfile.TemporaryDirectory() as tmp:
        print(f"before anything: peak RSS {_peak_mb():.0f} MB")
        print("refused inputs:")
        for row in bench_refusals(Path(tmp)):
            print(
                f"  {row['file']}: {row['seconds']:.2f} s, peak RSS {row['peak_mb']:.0f} MB: "
                f"{row['reason']}"
            )
    relevance = bench_relevance()
    base = relevance[0]["seconds"]
    print("relevance of one long document (DuckDB, in pieces of 1M characters):")
    for row in relevance:
        print(
            f"  {row['chars'] / 1e6:5.1f}M chars  {row['seconds']:6.2f} s  "
            f"x{row['seconds'] / base:4.1f} of the 4M time"
        )
    with tempfile.TemporaryDirectory() as tmp:
        print("identical rows without a URL (build, checks off):")
        for row in bench_identical_rows(Path(tmp)):
            print(f"  {row['rows']:6,} rows  {row['seconds']:6.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
