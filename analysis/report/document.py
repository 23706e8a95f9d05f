"""The parts of a report a reader navigates by: numbered figures and tables with captions, cross
references, numbered sections and a table of contents.

Notebooks display :class:`ReportFigure` and :class:`ReportTable` objects and write references
with :func:`ref`; each carries a key (``fig-...`` or ``tab-...``) but no number. When the
notebooks are joined into one report, :func:`number_document` numbers sections, figures and
tables in reading order, fills every reference with its number and link, and fills the contents
list (:func:`contents_placeholder`). Numbers therefore follow the report, not one notebook.

Every text that reaches the page is escaped here (captions, notes, cells, alt texts); figures are
drawn with mathtext off, so ``$...$`` in an outlet name is printed as it is.
"""

from __future__ import annotations

import base64
import html
import io
import re
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

__all__ = [
    "ReportFigure",
    "ReportTable",
    "contents_placeholder",
    "number_document",
    "ref",
    "title_page",
]

_KEY = re.compile(r"^(fig|tab)-[a-z0-9][a-z0-9-]*$")
_KINDS = {"fig": "Figure", "tab": "Table"}
_NUM = re.compile(
    r'<span class="secnews-num" data-key="((fig|tab)-[a-z0-9-]+)">(Figure|Table)</span>'
)
_REF = re.compile(r'<a class="secnews-ref" href="#((fig|tab)-[a-z0-9-]+)">[^<]*</a>')
_HEADING = re.compile(
    r'<h([12]) id="([^"]*)">(.*?)<a class="anchor-link" href="#[^"]*"></a></h\1>', re.S
)
_TOC = '<nav class="secnews-toc" id="contents"></nav>'


def _check_key(key: str) -> str:
    if not _KEY.match(key):
        raise ValueError(
            f"report key {key!r} must look like 'fig-name' or 'tab-name' (a-z, 0-9, -)"
        )
    return key


def ref(key: str) -> str:
    """HTML of a reference to a figure or table (``"Figure 3"`` once the report is numbered)."""
    kind = _KINDS[_check_key(key)[:3]]
    return f'<a class="secnews-ref" href="#{key}">{kind}</a>'


def contents_placeholder() -> str:
    """HTML that :func:`number_document` replaces with the contents list."""
    return _TOC


def _png_data_uri(figure: Any, *, dpi: int) -> str:
    from secnews.analysis.plots._base import plain_text

    plain_text(figure)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # a date axis over a few days falls back to a default interval; not news for a reader
        warnings.filterwarnings(
            "ignore", message="AutoDateLocator was unable", category=UserWarning
        )
        figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


class ReportFigure:
    """A figure with its number, caption and alt text, shown as one unit that is never split.

    Parameters
    ----------
    figure
        A :class:`matplotlib.figure.Figure` (drawn at its own size; it fills the text width, so a
        figure 7 inches wide shows its fonts at their size in points on A4 portrait).
    key
        ``fig-name``: the anchor and the key of :func:`ref`.
    caption
        What the figure shows and how to read it (plain text, escaped).
    alt
        Alt text: what the figure shows, for a reader who cannot see it (plain text).
    dpi
        Resolution of the embedded PNG.
    """

    def __init__(self, figure: Any, *, key: str, caption: str, alt: str, dpi: int = 200) -> None:
        self.figure = figure
        self.key = _check_key(key)
        self.caption = caption
        self.alt = alt
        self.dpi = dpi

    def __repr__(self) -> str:
        return f"ReportFigure({self.key!r})"

    def _repr_html_(self) -> str:
        uri = _png_data_uri(self.figure, dpi=self.dpi)
        return (
            f'<figure class="secnews-figure" id="{self.key}">'
            f'<img src="{uri}" alt="{html.escape(self.alt, quote=True)}"/>'
            f'<figcaption><span class="secnews-num" data-key="{self.key}">Figure</span> '
            f"{html.escape(self.caption)}</figcaption></figure>"
        )


def _cell(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "\u2014"
    return html.escape(str(value))


class ReportTable:
    """A table with its number and caption; missing values print as an em dash.

    Format the values first (:mod:`secnews.analysis.report.tables`): the cells are printed as
    they are, escaped.

    Parameters
    ----------
    frame
        The rows to show (the index is not shown; reset it to keep it).
    key
        ``tab-name``: the anchor and the key of :func:`ref`.
    caption
        What the table shows (plain text, escaped).
    notes
        Lines printed under the table (plain text, escaped), e.g. what a dash or mark means.
    numeric
        Columns aligned right (default: those whose name is in ``frame`` and numeric-looking).
    widths
        Relative column widths (``{column: "30%"}``) for long text columns.
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        *,
        key: str,
        caption: str,
        notes: Sequence[str] = (),
        numeric: Sequence[str] | None = None,
        widths: Mapping[str, str] | None = None,
    ) -> None:
        self.frame = frame
        self.key = _check_key(key)
        self.caption = caption
        self.notes = tuple(notes)
        self.numeric = tuple(numeric) if numeric is not None else None
        self.widths = dict(widths or {})

    def __repr__(self) -> str:
        return f"ReportTable({self.key!r}, rows={len(self.frame)})"

    def _right(self, column: str) -> bool:
        if self.numeric is not None:
            return column in self.numeric
        values = [v for v in self.frame[column].tolist() if isinstance(v, str) and v != ""]
        return bool(values) and all(re.fullmatch(r"[<>≤≥−\-+]?\s?[\d,.]+%?", v) for v in values)

    def _repr_html_(self) -> str:
        columns = [str(c) for c in self.frame.columns]
        right = {c: self._right(c) for c in self.frame.columns}
        head = ""
        for c, name in zip(self.frame.columns, columns, strict=True):
            attrs = ' class="num"' if right[c] else ""
            if name in self.widths:
                attrs += f' style="width:{html.escape(self.widths[name], quote=True)}"'
            head += f"<th{attrs}>{html.escape(name)}</th>"
        opening = {c: '<td class="num">' if right[c] else "<td>" for c in self.frame.columns}
        rows = []
        for record in self.frame.itertuples(index=False, name=None):
            cells = "".join(
                f"{opening[c]}{_cell(v)}</td>"
                for c, v in zip(self.frame.columns, record, strict=True)
            )
            rows.append(f"<tr>{cells}</tr>")
        size = "secnews-long" if len(self.frame) > 15 else "secnews-short"
        # notes sit in the table's foot: printed under every page of a long table, never alone
        notes = "".join(
            f'<tr><td class="secnews-note" colspan="{max(1, len(columns))}">{html.escape(n)}</td></tr>'
            for n in self.notes
        )
        foot = f"<tfoot>{notes}</tfoot>" if notes else ""
        return (
            f'<div class="secnews-table {size}" id="{self.key}"><table>'
            f'<caption><span class="secnews-num" data-key="{self.key}">Table</span> '
            f"{html.escape(self.caption)}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody>{foot}</table></div>"
        )


def number_document(page: str) -> str:
    """Number sections (``h1``, ``h2``), figures and tables in reading order; fill references and
    the contents list.

    A reference to a key that is not in the report is printed as plain "Figure"/"Table" text
    without a link.
    """
    numbers: dict[str, str] = {}
    counters = {"fig": 0, "tab": 0}

    def number(match: re.Match[str]) -> str:
        key, kind = match.group(1), match.group(2)
        if key not in numbers:
            counters[kind] += 1
            numbers[key] = f"{_KINDS[kind]} {counters[kind]}"
        return f'<span class="secnews-num" data-key="{key}">{numbers[key]}.</span>'

    page = _NUM.sub(number, page)

    def reference(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in numbers:
            return _KINDS[match.group(2)].lower()
        return f'<a class="secnews-ref" href="#{key}">{numbers[key]}</a>'

    page = _REF.sub(reference, page)
    entries: list[str] = []
    section = [0, 0]

    def heading(match: re.Match[str]) -> str:
        level, text = int(match.group(1)), match.group(3).strip()
        if level == 1:
            section[0] += 1
            section[1] = 0
            label, anchor = f"{section[0]}", f"sec-{section[0]}"
        else:
            section[1] += 1
            label = f"{section[0]}.{section[1]}"
            anchor = f"sec-{section[0]}-{section[1]}"
        entries.append(
            f'<li class="toc-h{level}"><a href="#{anchor}"><span class="toc-num">{label}</span> '
            f"{text}</a></li>"
        )
        return (
            f'<h{level} id="{anchor}" class="secnews-h{level}"><span class="sec-num">{label}</span> '
            f"{text}</h{level}>"
        )

    page = _HEADING.sub(heading, page)
    # a cell that opens a numbered section starts a new page in print
    cells = page.split('<div class="jp-Cell ')
    page = cells[0] + "".join(
        (
            '<div class="jp-Cell secnews-chapter '
            if '<h1 id="sec-' in cell.split("</h1>")[0] and "secnews-h1" in cell.split("</h1>")[0]
            else '<div class="jp-Cell '
        )
        + cell
        for cell in cells[1:]
    )
    toc = (
        '<nav class="secnews-toc" id="contents"><h2 class="secnews-toc-title">Contents</h2>'
        f"<ol>{''.join(entries)}</ol></nav>"
    )
    return page.replace(_TOC, toc, 1)


def title_page(title: str, items: Sequence[tuple[str, str]]) -> str:
    """HTML of the title page: ``title`` and ``(term, description)`` lines (escaped), then the
    contents list (:func:`contents_placeholder`)."""
    lines = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in items)
    return (
        f'<section class="secnews-titlepage"><h1 class="secnews-title">{html.escape(title)}</h1>'
        f"<dl>{lines}</dl></section>{contents_placeholder()}"
    )
