"""Actors: the gazetteer, extraction and resolution, co-occurrence with significance, networks.

Public names are imported lazily from their modules on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from secnews.corpus._lazy import lazy_exports

if TYPE_CHECKING:
    from secnews.analysis.entities._base import (
        ExtractionSettings,
        paragraph_starts,
        sentence_starts,
    )
    from secnews.analysis.entities.cooccurrence import (
        EDGE_COLUMNS,
        CooccurrenceSettings,
        assign_period,
        bh_adjust,
        cooccurrence,
        cooccurrence_by,
        pair_measures,
        unit_counts,
    )
    from secnews.analysis.entities.extract import (
        DOCUMENT_COLUMNS,
        MENTION_COLUMNS,
        Extraction,
        entity_table,
        extract_entities,
    )
    from secnews.analysis.entities.gazetteer import (
        ALIAS_COLUMNS,
        ENTITY_TYPES,
        Gazetteer,
        GazetteerMatcher,
        GazetteerSettings,
        alias_patterns,
        build_gazetteer,
        country_alias_table,
        matcher_for,
        read_alias_table,
        spacy_label,
    )
    from secnews.analysis.entities.networks import (
        CENTRALITY_COLUMNS,
        NetworkSettings,
        build_graph,
        centralities_by_group,
        centrality_table,
        communities,
        filter_edges,
        write_gexf,
        write_graphml,
    )
    from secnews.analysis.entities.resolve import (
        GENERIC_SURFACES,
        Candidate,
        add_surname_mentions,
        coref_person,
        resolve_document,
    )
    from secnews.analysis.entities.spacy_ner import (
        INSTALL_HINT,
        build_pipeline,
        load_english_pipeline,
        spacy_candidates,
    )

_NAMES: dict[str, str] = {
    "ALIAS_COLUMNS": "secnews.analysis.entities.gazetteer",
    "CENTRALITY_COLUMNS": "secnews.analysis.entities.networks",
    "Candidate": "secnews.analysis.entities.resolve",
    "CooccurrenceSettings": "secnews.analysis.entities.cooccurrence",
    "DOCUMENT_COLUMNS": "secnews.analysis.entities.extract",
    "EDGE_COLUMNS": "secnews.analysis.entities.cooccurrence",
    "ENTITY_TYPES": "secnews.analysis.entities.gazetteer",
    "Extraction": "secnews.analysis.entities.extract",
    "ExtractionSettings": "secnews.analysis.entities._base",
    "GENERIC_SURFACES": "secnews.analysis.entities.resolve",
    "Gazetteer": "secnews.analysis.entities.gazetteer",
    "GazetteerMatcher": "secnews.analysis.entities.gazetteer",
    "GazetteerSettings": "secnews.analysis.entities.gazetteer",
    "INSTALL_HINT": "secnews.analysis.entities.spacy_ner",
    "MENTION_COLUMNS": "secnews.analysis.entities.extract",
    "NetworkSettings": "secnews.analysis.entities.networks",
    "add_surname_mentions": "secnews.analysis.entities.resolve",
    "alias_patterns": "secnews.analysis.entities.gazetteer",
    "assign_period": "secnews.analysis.entities.cooccurrence",
    "bh_adjust": "secnews.analysis.entities.cooccurrence",
    "build_gazetteer": "secnews.analysis.entities.gazetteer",
    "build_graph": "secnews.analysis.entities.networks",
    "build_pipeline": "secnews.analysis.entities.spacy_ner",
    "centralities_by_group": "secnews.analysis.entities.networks",
    "centrality_table": "secnews.analysis.entities.networks",
    "communities": "secnews.analysis.entities.networks",
    "cooccurrence": "secnews.analysis.entities.cooccurrence",
    "cooccurrence_by": "secnews.analysis.entities.cooccurrence",
    "coref_person": "secnews.analysis.entities.resolve",
    "country_alias_table": "secnews.analysis.entities.gazetteer",
    "entity_table": "secnews.analysis.entities.extract",
    "extract_entities": "secnews.analysis.entities.extract",
    "filter_edges": "secnews.analysis.entities.networks",
    "load_english_pipeline": "secnews.analysis.entities.spacy_ner",
    "matcher_for": "secnews.analysis.entities.gazetteer",
    "pair_measures": "secnews.analysis.entities.cooccurrence",
    "paragraph_starts": "secnews.analysis.entities._base",
    "read_alias_table": "secnews.analysis.entities.gazetteer",
    "resolve_document": "secnews.analysis.entities.resolve",
    "sentence_starts": "secnews.analysis.entities._base",
    "spacy_candidates": "secnews.analysis.entities.spacy_ner",
    "spacy_label": "secnews.analysis.entities.gazetteer",
    "unit_counts": "secnews.analysis.entities.cooccurrence",
    "write_gexf": "secnews.analysis.entities.networks",
    "write_graphml": "secnews.analysis.entities.networks",
}

__all__ = [
    "ALIAS_COLUMNS",
    "CENTRALITY_COLUMNS",
    "DOCUMENT_COLUMNS",
    "EDGE_COLUMNS",
    "ENTITY_TYPES",
    "GENERIC_SURFACES",
    "INSTALL_HINT",
    "MENTION_COLUMNS",
    "Candidate",
    "CooccurrenceSettings",
    "Extraction",
    "ExtractionSettings",
    "Gazetteer",
    "GazetteerMatcher",
    "GazetteerSettings",
    "NetworkSettings",
    "add_surname_mentions",
    "alias_patterns",
    "assign_period",
    "bh_adjust",
    "build_gazetteer",
    "build_graph",
    "build_pipeline",
    "centralities_by_group",
    "centrality_table",
    "communities",
    "cooccurrence",
    "cooccurrence_by",
    "coref_person",
    "country_alias_table",
    "entity_table",
    "extract_entities",
    "filter_edges",
    "load_english_pipeline",
    "matcher_for",
    "pair_measures",
    "paragraph_starts",
    "read_alias_table",
    "resolve_document",
    "sentence_starts",
    "spacy_candidates",
    "spacy_label",
    "unit_counts",
    "write_gexf",
    "write_graphml",
]

__getattr__, __dir__ = lazy_exports(__name__, _NAMES, globals())
