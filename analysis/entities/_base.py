"""What the entity extractors share: their settings and the text units (paragraphs, sentences)
they count in."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from secnews.analysis.entities.gazetteer import GazetteerSettings

__all__ = ["ExtractionSettings", "paragraph_starts", "sentence_starts"]


@dataclass(frozen=True, slots=True)
class ExtractionSettings:
    """Settings of an entity extraction run (written into the manifest).

    Parameters
    ----------
    mode
        ``"gazetteer"`` (regex over the aliases, no model) or ``"full"`` (spaCy NER +
        EntityRuler).
    model
        spaCy pipeline name for full mode; ``None`` loads the installed English pipeline.
    batch_size
        Paragraphs per ``nlp.pipe`` batch (full mode).
    n_process
        Worker processes of ``nlp.pipe`` (full mode; 1 = in process).
    ner_labels
        NER labels kept in full mode when the span is not a gazetteer alias (NORP is left out by
        default: "Western", "Euro-Atlantic" are not actors).
    keep_unresolved
        Keep unresolved mentions (ids ``unresolved:<LABEL>:<surface>``) in the mention table.
    gazetteer
        How the gazetteer is built.
    guards
        Apply the look-alike guards of :mod:`secnews.analysis.entities.guards`.
    capital_as_government
        Read a capital followed by a verb ("Moscow said") as its country's government; the
        capital is otherwise a city of its own (``place:RU.moscow``).
    count_dateline
        Count the mentions inside a story's dateline ("KYIV, Feb 24 (Reuters) -"); by default
        they are left out and the dateline's place is reported in the document table
        (``dateline_place``, ``dateline_entity``).
    """

    mode: str = "gazetteer"
    model: str | None = None
    batch_size: int = 256
    n_process: int = 1
    ner_labels: tuple[str, ...] = ("PERSON", "ORG", "GPE", "LOC")
    keep_unresolved: bool = True
    gazetteer: GazetteerSettings = field(default_factory=GazetteerSettings)
    guards: bool = True
    capital_as_government: bool = True
    count_dateline: bool = False

    def __post_init__(self) -> None:
        if self.mode not in ("gazetteer", "full"):
            raise ValueError(f"mode must be 'gazetteer' or 'full', got {self.mode!r}")
        if self.batch_size < 1 or self.n_process < 1:
            raise ValueError("batch_size and n_process must be at least 1")

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as a JSON-ready dict."""
        return dataclasses.asdict(self)


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


_ABBREVIATIONS = [
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "St",
    "Gen",
    "Col",
    "Lt",
    "Sgt",
    "Capt",
    "Maj",
    "Adm",
    "Prof",
    "Sen",
    "Rep",
    "Gov",
    "Jr",
    "Sr",
    "vs",
    "Vs",
    "No",
    "Nos",
    "Art",
    "Fig",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
    "Mt",
    "Ft",
    "Pres",
    "Amb",
    "Min",
    "Dept",
    "Est",
    "Approx",
]


_VARIANTS = sorted(set(_ABBREVIATIONS))  # as written: "No." but not "no." or "NO."


_NOT_AFTER = "".join(
    r"(?<!\b(?:" + "|".join(re.escape(v) for v in _VARIANTS if len(v) == n) + r")\.)"
    for n in sorted({len(v) for v in _VARIANTS})
)


#: End of a sentence: . ! or ? (not after an abbreviation, a single initial, or "U.S."-like
#: dotted letters), optional closing quotes/brackets, white space, then an uppercase letter, a
#: digit or an opening quote.
_SENTENCE_END = re.compile(
    r"[.!?](?<!\b[A-Za-z]\.)(?<![.][A-Za-z]\.)" + _NOT_AFTER + r"[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])"
)


def paragraph_starts(text: str) -> list[int]:
    """Return the start offset of every paragraph (paragraphs are separated by blank lines)."""
    starts = [0]
    starts.extend(m.end() for m in _PARAGRAPH_BREAK.finditer(text))
    return starts


def sentence_starts(text: str, paragraphs: list[int] | None = None) -> list[int]:
    """Return the start offsets of sentences (rule-based; every paragraph starts a sentence).

    Parameters
    ----------
    text
        A document (normalized text).
    paragraphs
        Paragraph starts from :func:`paragraph_starts` (computed when ``None``).

    Returns
    -------
    list of int
        Sorted, unique start offsets beginning with 0.
    """
    starts = set(paragraphs if paragraphs is not None else paragraph_starts(text))
    starts.update(m.end() for m in _SENTENCE_END.finditer(text))
    return sorted(starts)
