"""Where the rows of a corpus folder are: the part files of ``articles/`` or the one file of the
first layout.

A corpus written by this version holds its rows in ``articles/part-00000.parquet``,
``articles/part-00001.parquet``, ...: every part has the schema
:data:`~secnews.corpus.store.read.ARTICLES_SCHEMA`, the numbers run from 0 without gaps and
their order is the row order, so the folder ``articles/`` is one Parquet dataset that pandas,
DuckDB, Dask or Spark read as one table. A corpus written before the parts holds all its rows in
one file, ``articles.parquet``; it stays readable. Only this package needs to know either name:
everything else goes through :func:`article_parts`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "ARTICLES_DIR",
    "ARTICLES_FILE",
    "MAX_PARTS",
    "PART_BYTES",
    "article_parts",
    "part_name",
    "parts_problem",
    "read_parquet_sql",
]

#: Folder of the part files (the layout every build writes).
ARTICLES_DIR = "articles"
#: The one Parquet file of a corpus written before the parts (read, never written).
ARTICLES_FILE = "articles.parquet"

#: Default bound of a part file: 128 MiB of row data (see
#: :func:`secnews.corpus.store.write.row_bytes`); on disk a part is smaller (compressed).
PART_BYTES = 128 * 1024 * 1024

#: Most parts a corpus may have: their five-digit numbers keep name order = row order for every
#: reader that sorts file names (pandas, DuckDB, Spark).
MAX_PARTS = 100_000

_PART = re.compile(r"part-(\d{5})\.parquet")


def part_name(number: int) -> str:
    """File name of the part ``number`` (``part-00000.parquet``; zero-padded to 5 digits)."""
    if not 0 <= number < MAX_PARTS:
        raise ValueError(f"a part number is in [0, {MAX_PARTS})")
    return f"part-{number:05d}.parquet"


def _part_number(name: str) -> int | None:
    match = _PART.fullmatch(name)
    return int(match.group(1)) if match else None


def article_parts(folder: str | Path) -> list[Path]:
    """Return the Parquet files holding the rows of the corpus ``folder``, in row order.

    Parameters
    ----------
    folder
        A corpus folder, of either layout (see the module docstring).

    Returns
    -------
    list of pathlib.Path
        The part files of ``articles/`` sorted by number, or ``[folder / "articles.parquet"]``.
        Other files in ``articles/`` are not rows (a build never writes any; a folder holding
        them is never replaced).

    Raises
    ------
    FileNotFoundError
        When the folder holds neither layout, or ``articles/`` holds no part file.
    ValueError
        When it holds both, or the part numbers have a gap (a part went missing).
    """
    folder = Path(folder)
    directory = folder / ARTICLES_DIR
    single = folder / ARTICLES_FILE
    if directory.is_dir():
        if single.exists():
            raise ValueError(
                f"{folder} holds both {ARTICLES_DIR}/ and {ARTICLES_FILE}: which one is the "
                "corpus is unclear; remove the one that is not"
            )
        numbered = sorted(
            (number, path)
            for path in directory.iterdir()
            if (number := _part_number(path.name)) is not None and path.is_file()
        )
        if not numbered:
            raise FileNotFoundError(f"{directory} holds no part file (part-00000.parquet, ...)")
        numbers = [n for n, _ in numbered]
        if numbers != list(range(len(numbers))):
            missing = sorted(set(range(numbers[-1] + 1)) - set(numbers))
            raise ValueError(
                f"{directory}: part(s) {', '.join(map(part_name, missing[:5]))} missing: "
                "the corpus is incomplete"
            )
        return [path for _, path in numbered]
    if single.is_file():
        return [single]
    raise FileNotFoundError(
        f"{folder} is not a secnews corpus: neither {ARTICLES_DIR}/ nor {ARTICLES_FILE} is there"
    )


def parts_problem(directory: str | Path) -> str | None:
    """Why ``directory`` (a corpus's ``articles/``) is not a folder of part files only, or
    ``None`` when it is: a corpus whose ``articles/`` holds anything else is never replaced."""
    directory = Path(directory)
    if directory.is_symlink():
        return f"its {ARTICLES_DIR} is a symbolic link"
    if not directory.is_dir():
        return f"its {ARTICLES_DIR} is not a folder"
    foreign = sorted(
        path.name
        for path in directory.iterdir()
        if _part_number(path.name) is None or path.is_symlink() or not path.is_file()
    )
    if foreign:
        shown = ", ".join(f"{ARTICLES_DIR}/{n}" for n in foreign[:5])
        return (
            f"it holds files that are not part of a corpus ({shown}{', ...' * (len(foreign) > 5)})"
        )
    return None


def read_parquet_sql(paths: Sequence[str | Path]) -> str:
    """DuckDB relation reading ``paths`` as one table, rows in the order of the files:
    ``read_parquet(['a', 'b'])`` with the paths quoted as SQL strings."""
    if not paths:
        raise ValueError("no Parquet file to read")
    quoted = ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths)
    return f"read_parquet([{quoted}])"
