"""Mentions at a chosen level of place: the place itself, its region, or its country.

:func:`mentions_at_level` maps the place mentions of a mention table before counting or
co-occurrence (``secnews entities --level country|region|place``):

``place``
    every place stays itself (Kramatorsk, the Donetsk oblast, the "DPR", Azovstal);
``region``
    a city, site or proxy entity becomes its parent region (Kramatorsk -> Donetsk oblast) when
    the gazetteer knows it; regions and places without a known region stay themselves;
``country``
    with ``rollup``, every place becomes its country (Kramatorsk -> Ukraine); without it, places
    are left out, so that only countries (and capitals read as their government, "Moscow
    said") count.

Other entities (countries, organisations, people, unresolved names) are never changed. With
``dateline`` and the document table, each story's dateline place (``dateline_entity``, see
:func:`~secnews.analysis.entities.extract.extract_entities`) is added as one more mention
(``method = "dateline"``, paragraph and sentence 0, offsets 0) before the mapping.
"""

from __future__ import annotations

import pandas as pd

from secnews.analysis.entities.gazetteer import Gazetteer

__all__ = ["LEVELS", "mentions_at_level"]

#: Levels of :func:`mentions_at_level`.
LEVELS: tuple[str, ...] = ("place", "region", "country")


def _dateline_rows(documents: pd.DataFrame, gazetteer: Gazetteer) -> pd.DataFrame:
    if "dateline_entity" not in documents.columns:
        return pd.DataFrame()
    rows = documents[documents["dateline_entity"].fillna("").astype(str) != ""]
    out = []
    for doc_id, place, eid in zip(
        rows["doc_id"], rows["dateline_place"], rows["dateline_entity"], strict=True
    ):
        label, etype = gazetteer.label_of(str(eid))
        out.append((doc_id, 0, 0, 0, 0, place, eid, label, etype, "dateline"))
    return pd.DataFrame(out)


def mentions_at_level(
    mentions: pd.DataFrame,
    gazetteer: Gazetteer,
    *,
    level: str = "place",
    rollup: bool = False,
    documents: pd.DataFrame | None = None,
    dateline: bool = False,
) -> pd.DataFrame:
    """Return the mention table with places mapped to the chosen level (module docstring).

    Parameters
    ----------
    mentions
        A mention table (:data:`~secnews.analysis.entities.extract.MENTION_COLUMNS`).
    gazetteer
        The gazetteer the mentions were resolved with (parents and countries of places).
    level
        ``"place"``, ``"region"`` or ``"country"``.
    rollup
        At the country level, count places as their country (else leave them out).
    documents
        The document table (needed for ``dateline``).
    dateline
        Add each story's dateline place as a mention.

    Returns
    -------
    pandas.DataFrame
        Same columns, one row per kept mention, in the input order (dateline rows first within
        their document).

    Raises
    ------
    ValueError
        For an unknown level, or ``dateline`` without a document table.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    if dateline and documents is None:
        raise ValueError("dateline=True needs the document table")
    frame = mentions
    if dateline and documents is not None:
        extra = _dateline_rows(documents, gazetteer)
        if not extra.empty:
            extra.columns = list(mentions.columns)
            order = {d: i for i, d in enumerate(documents["doc_id"])}
            frame = pd.concat([extra.astype(mentions.dtypes.to_dict()), mentions])
            frame = frame.assign(_doc=frame["doc_id"].map(order)).sort_values("_doc", kind="stable")
            frame = frame.drop(columns="_doc")
    frame = frame.reset_index(drop=True)
    if level == "place" or frame.empty:
        return frame
    targets: list[str] = []
    for eid, etype in zip(frame["entity_id"], frame["type"], strict=True):
        if etype != "place" or eid.startswith("unresolved:"):
            targets.append(eid)
            continue
        place_type, parent, country, _ = gazetteer.place_of(eid)
        if level == "region":
            targets.append(parent if parent and place_type != "region" else eid)
        else:
            targets.append(country if rollup and country else "")
    out = frame.assign(entity_id=targets)
    out = out[out["entity_id"] != ""].copy()
    changed = out["entity_id"] != frame.loc[out.index, "entity_id"]
    for index in out.index[changed]:
        label, etype = gazetteer.label_of(str(out.at[index, "entity_id"]))
        out.at[index, "label"], out.at[index, "type"] = label, etype
    return out.reset_index(drop=True)
