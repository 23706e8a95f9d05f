"""A self-contained, offline, interactive topic map (in the spirit of LDAvis / pyLDAvis).

Intertopic distances are Jensen-Shannon distances between topic-word distributions, projected
to two dimensions with classical multidimensional scaling (PCoA, as pyLDAvis's default);
circle areas are the topics' shares of all tokens. The bar chart ranks a topic's terms by
relevance for a lambda chosen with a slider. The page is one HTML file with its own small
vanilla JavaScript and SVG: no CDN, no network access (a Content-Security-Policy forbids it).
The data is embedded as JSON with ``<``, ``>`` and ``&`` escaped, and the script inserts text
with ``textContent`` only, so terms and titles can never become markup.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from importlib import resources
from typing import Any

import numpy as np

from secnews.analysis.topics.selection import js_distance_matrix

__all__ = ["classical_mds", "render_topic_map", "topic_map_data"]


def classical_mds(distances: np.ndarray, *, n_components: int = 2) -> np.ndarray:
    """Classical (Torgerson) MDS / principal coordinates of a distance matrix.

    Each axis's sign is fixed so that its largest absolute coordinate is positive, which makes
    the layout deterministic.
    """
    d = np.asarray(distances, dtype=np.float64)
    n = d.shape[0]
    if n == 1:
        return np.zeros((1, n_components))
    centering = np.eye(n) - np.full((n, n), 1.0 / n)
    b = -0.5 * centering @ (d**2) @ centering
    values, vectors = np.linalg.eigh(b)
    order = np.argsort(values)[::-1][:n_components]
    values = np.clip(values[order], 0.0, None)
    coords = vectors[:, order] * np.sqrt(values)
    for j in range(coords.shape[1]):
        if coords[np.argmax(np.abs(coords[:, j])), j] < 0:
            coords[:, j] = -coords[:, j]
    if coords.shape[1] < n_components:
        coords = np.hstack([coords, np.zeros((n, n_components - coords.shape[1]))])
    return coords


def _saliency(phi: np.ndarray, topic_share: np.ndarray, p_w: np.ndarray) -> np.ndarray:
    joint = phi * topic_share[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        p_k_w = joint / joint.sum(axis=0, keepdims=True)
        ratio = np.where(p_k_w > 0, p_k_w * np.log(p_k_w / topic_share[:, None]), 0.0)
    return p_w * np.nansum(ratio, axis=0)


def topic_map_data(
    topic_word: np.ndarray,
    doc_topic: np.ndarray,
    doc_lengths: np.ndarray,
    term_frequency: np.ndarray,
    vocabulary: Sequence[str],
    *,
    labels: Sequence[str] | None = None,
    n_terms: int = 30,
    lam: float = 0.6,
) -> dict[str, Any]:
    """The JSON-ready data of the map (coordinates, shares, candidate terms per topic).

    For each topic, the candidate terms are the union of its top ``n_terms`` by relevance for
    lambda in 0, 0.1, ..., 1, each as ``[vocab index, estimated count in topic, log p(w|k),
    log lift]``; the page ranks them for any lambda.
    """
    phi = np.asarray(topic_word, dtype=np.float64)
    theta = np.asarray(doc_topic, dtype=np.float64)
    lengths = np.asarray(doc_lengths, dtype=np.float64)
    freq = np.asarray(term_frequency, dtype=np.float64)
    k = phi.shape[0]
    topic_tokens = theta.T @ lengths
    share = topic_tokens / topic_tokens.sum() if topic_tokens.sum() > 0 else np.full(k, 1.0 / k)
    coords = classical_mds(js_distance_matrix(phi, phi))
    p_w = freq / freq.sum()
    with np.errstate(divide="ignore"):
        log_phi = np.log(phi)
        lift = log_phi - np.log(p_w)[None, :]
    used: dict[int, int] = {}

    def slot(term: int) -> int:
        return used.setdefault(term, len(used))

    saliency = _saliency(phi, share, p_w)
    salient = [
        [slot(int(i)), float(freq[i])] for i in np.argsort(-saliency, kind="stable")[:n_terms]
    ]
    terms = []
    for t in range(k):
        cand: set[int] = set()
        for lam_grid in np.linspace(0.0, 1.0, 11):
            score = lam_grid * log_phi[t] + (1 - lam_grid) * lift[t]
            score = np.where(np.isfinite(score), score, -np.inf)
            cand.update(int(i) for i in np.argsort(-score, kind="stable")[:n_terms])
        rows = [
            [
                slot(i),
                round(float(phi[t, i] * topic_tokens[t]), 3),
                round(float(log_phi[t, i]), 6),
                round(float(lift[t, i]), 6),
            ]
            for i in sorted(cand)
            if np.isfinite(log_phi[t, i])
        ]
        terms.append(rows)
    vocab_list = [""] * len(used)
    freq_list = [0.0] * len(used)
    for term, pos in used.items():
        vocab_list[pos] = str(vocabulary[term])
        freq_list[pos] = float(freq[term])
    topics = [
        {
            "id": t,
            "x": round(float(coords[t, 0]), 6),
            "y": round(float(coords[t, 1]), 6),
            "share": round(float(share[t]), 6),
            "label": str(labels[t]) if labels is not None else f"topic {t}",
        }
        for t in range(k)
    ]
    return {
        "topics": topics,
        "vocab": vocab_list,
        "freq": freq_list,
        "terms": terms,
        "salient": salient,
        "lambda": lam,
        "n_terms": n_terms,
    }


def _json_for_script(data: dict[str, Any]) -> str:
    text = json.dumps(
        data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    )
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def render_topic_map(data: dict[str, Any], *, title: str = "Topic map") -> str:
    """The complete HTML page for :func:`topic_map_data` output (escaped title, inlined data)."""
    template = (
        resources.files("secnews.analysis")
        .joinpath("templates/topic_map.html")
        .read_text(encoding="utf-8")
    )
    values = {"__TITLE__": html.escape(title, quote=True), "__DATA__": _json_for_script(data)}
    return re.sub("__TITLE__|__DATA__", lambda m: values[m.group(0)], template)
