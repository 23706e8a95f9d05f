"""Loaders: each turns one form of input (tables, folders whose metadata sits in the path, page-text
dumps, saved HTML) into :class:`~secnews.corpus.record.Article` records and specific rejects.

Public names are imported lazily from their modules on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from secnews.corpus._lazy import lazy_exports

if TYPE_CHECKING:
    from secnews.corpus.loaders._folder_settings import (
        FolderSettings,
    )
    from secnews.corpus.loaders._links import (
        LINK_REASON,
        outside_link,
    )
    from secnews.corpus.loaders.decode import (
        MAX_BAD_SHARE,
        DecodeError,
        decode_bytes,
        read_text,
    )
    from secnews.corpus.loaders.extract import (
        extract_file,
    )
    from secnews.corpus.loaders.folder import (
        FolderPattern,
        fit_hyphenation,
        load_folder,
    )
    from secnews.corpus.loaders.folder_vocab import (
        fit_hyphenation_lookups,
        quick_decode,
    )
    from secnews.corpus.loaders.html import (
        DATE_PARAMS,
        HtmlReject,
        HtmlSettings,
        extract_html,
        html_blocks,
        load_html,
    )
    from secnews.corpus.loaders.html_eval import (
        PageScore,
        evaluate_html,
        overall_share,
    )
    from secnews.corpus.loaders.page import (
        ExtractResult,
        clean_page,
        rule_pass,
        to_article,
    )
    from secnews.corpus.loaders.pagetext import (
        PageTextSettings,
        extract_pagetext,
        extract_pagetexts,
        load_pagetext,
        page_blocks,
        page_rule_pass,
    )
    from secnews.corpus.loaders.records import (
        RecordSettings,
        load_records,
        parse_dateline_field,
        to_well_formed,
    )
    from secnews.corpus.loaders.sources import (
        EXTENSIONS,
        FORMATS,
        ROW_KEY,
        Source,
        iter_source,
    )
    from secnews.corpus.loaders.tabular import (
        AUTO_COLUMNS,
        EXCEL_CELL_LIMIT,
        ColumnMapping,
        LoadStats,
        TableSettings,
        load_table,
        parse_mapping,
    )
    from secnews.corpus.loaders.tabular_read import (
        RowError,
        is_inline,
        is_text,
        read_rows,
        type_name,
    )

_NAMES: dict[str, str] = {
    "AUTO_COLUMNS": "secnews.corpus.loaders.tabular",
    "ColumnMapping": "secnews.corpus.loaders.tabular",
    "DATE_PARAMS": "secnews.corpus.loaders.html",
    "DecodeError": "secnews.corpus.loaders.decode",
    "EXCEL_CELL_LIMIT": "secnews.corpus.loaders.tabular",
    "EXTENSIONS": "secnews.corpus.loaders.sources",
    "ExtractResult": "secnews.corpus.loaders.page",
    "FORMATS": "secnews.corpus.loaders.sources",
    "FolderPattern": "secnews.corpus.loaders.folder",
    "FolderSettings": "secnews.corpus.loaders._folder_settings",
    "HtmlReject": "secnews.corpus.loaders.html",
    "HtmlSettings": "secnews.corpus.loaders.html",
    "LINK_REASON": "secnews.corpus.loaders._links",
    "LoadStats": "secnews.corpus.loaders.tabular",
    "MAX_BAD_SHARE": "secnews.corpus.loaders.decode",
    "PageScore": "secnews.corpus.loaders.html_eval",
    "PageTextSettings": "secnews.corpus.loaders.pagetext",
    "ROW_KEY": "secnews.corpus.loaders.sources",
    "RecordSettings": "secnews.corpus.loaders.records",
    "RowError": "secnews.corpus.loaders.tabular_read",
    "Source": "secnews.corpus.loaders.sources",
    "TableSettings": "secnews.corpus.loaders.tabular",
    "clean_page": "secnews.corpus.loaders.page",
    "decode_bytes": "secnews.corpus.loaders.decode",
    "evaluate_html": "secnews.corpus.loaders.html_eval",
    "extract_file": "secnews.corpus.loaders.extract",
    "extract_html": "secnews.corpus.loaders.html",
    "extract_pagetext": "secnews.corpus.loaders.pagetext",
    "extract_pagetexts": "secnews.corpus.loaders.pagetext",
    "fit_hyphenation": "secnews.corpus.loaders.folder",
    "fit_hyphenation_lookups": "secnews.corpus.loaders.folder_vocab",
    "html_blocks": "secnews.corpus.loaders.html",
    "is_inline": "secnews.corpus.loaders.tabular_read",
    "is_text": "secnews.corpus.loaders.tabular_read",
    "iter_source": "secnews.corpus.loaders.sources",
    "load_folder": "secnews.corpus.loaders.folder",
    "load_html": "secnews.corpus.loaders.html",
    "load_pagetext": "secnews.corpus.loaders.pagetext",
    "load_records": "secnews.corpus.loaders.records",
    "load_table": "secnews.corpus.loaders.tabular",
    "outside_link": "secnews.corpus.loaders._links",
    "overall_share": "secnews.corpus.loaders.html_eval",
    "page_blocks": "secnews.corpus.loaders.pagetext",
    "page_rule_pass": "secnews.corpus.loaders.pagetext",
    "parse_dateline_field": "secnews.corpus.loaders.records",
    "parse_mapping": "secnews.corpus.loaders.tabular",
    "quick_decode": "secnews.corpus.loaders.folder_vocab",
    "read_rows": "secnews.corpus.loaders.tabular_read",
    "read_text": "secnews.corpus.loaders.decode",
    "rule_pass": "secnews.corpus.loaders.page",
    "to_article": "secnews.corpus.loaders.page",
    "to_well_formed": "secnews.corpus.loaders.records",
    "type_name": "secnews.corpus.loaders.tabular_read",
}

__all__ = [
    "AUTO_COLUMNS",
    "DATE_PARAMS",
    "EXCEL_CELL_LIMIT",
    "EXTENSIONS",
    "FORMATS",
    "LINK_REASON",
    "MAX_BAD_SHARE",
    "ROW_KEY",
    "ColumnMapping",
    "DecodeError",
    "ExtractResult",
    "FolderPattern",
    "FolderSettings",
    "HtmlReject",
    "HtmlSettings",
    "LoadStats",
    "PageScore",
    "PageTextSettings",
    "RecordSettings",
    "RowError",
    "Source",
    "TableSettings",
    "clean_page",
    "decode_bytes",
    "evaluate_html",
    "extract_file",
    "extract_html",
    "extract_pagetext",
    "extract_pagetexts",
    "fit_hyphenation",
    "fit_hyphenation_lookups",
    "html_blocks",
    "is_inline",
    "is_text",
    "iter_source",
    "load_folder",
    "load_html",
    "load_pagetext",
    "load_records",
    "load_table",
    "outside_link",
    "overall_share",
    "page_blocks",
    "page_rule_pass",
    "parse_dateline_field",
    "parse_mapping",
    "quick_decode",
    "read_rows",
    "read_text",
    "rule_pass",
    "to_article",
    "to_well_formed",
    "type_name",
]

__getattr__, __dir__ = lazy_exports(__name__, _NAMES, globals())
