"""The fast paths of the build give exactly what the plain paths give, on real UN speeches:
the hyphenation model fitted on its looked-up words only, the per-document figures computed in
the folder loader's workers, the cached MinHash tables and the threaded content hash."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from secnews.corpus.build import run as build_module
from secnews.corpus.build.facts import (
    FACTS_KEY,
    DocumentFacts,
    DocumentFactsMaker,
    normalized_word_count,
)
from secnews.corpus.build.run import BuildSettings, build_corpus
from secnews.corpus.clean.normalize import normalize_inline, normalize_text
from secnews.corpus.clean.unwrap import unwrap
from secnews.corpus.dedupe.batch import BatchSignatures, hash_batch
from secnews.corpus.dedupe.detect import DedupeSettings
from secnews.corpus.dedupe.hashing import minhash_signatures
from secnews.corpus.loaders.folder import FolderSettings, fit_hyphenation, load_folder
from secnews.corpus.loaders.folder_vocab import fit_hyphenation_lookups, read_texts
from secnews.corpus.loaders.sources import Source
from secnews.corpus.record import Article
from secnews.corpus.store.read import ARTICLES_SCHEMA, document_text, open_corpus
from secnews.corpus.store.write import ArticleWriter, ContentHasher

UN_PATTERN = "TXT/Session {session} - {year}/{country}_{session}_{year}.txt"


@pytest.fixture(scope="module")
def un_sample(corpora_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A UN folder of about 300 real speeches (symbolic links, read with ``follow_symlinks``), from early one-paragraph-per-line
    sessions, hard-wrapped hyphenated ones and recent ones, plus a file the pattern rejects."""
    root = corpora_dir / "ungdc-1946-2024" / "TXT"
    folder = tmp_path_factory.mktemp("un-sample")
    sessions = sorted(p for p in root.iterdir() if p.is_dir())
    for session in sessions[::9]:
        for path in sorted(session.glob("*.txt"))[::4]:
            link = folder / "TXT" / session.name / path.name
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(path)
    (folder / "TXT" / sessions[0].name / "notes-1946.txt").write_text("not a speech")
    return folder


def _speeches(folder: Path) -> list[str]:
    return sorted(str(p) for p in (folder / "TXT").glob("*/*_*_*.txt"))


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_lookups_model_decides_as_the_full_model(un_sample: Path, n_jobs: int) -> None:
    paths = _speeches(un_sample)
    settings = FolderSettings(n_jobs=n_jobs, chunk_size=16)
    full = fit_hyphenation(paths, settings=settings)
    fast = fit_hyphenation_lookups(paths, settings=settings)
    assert fast.n_documents_ == full.n_documents_ == len(paths)
    assert fast.vocabulary_ and all(full.vocabulary_[w] == n for w, n in fast.vocabulary_.items())
    texts = list(read_texts(paths))
    assert sum("-\n" in t for t in texts) > 20  # hyphenated line ends are being decided
    assert [unwrap(t, model=fast) for t in texts] == [unwrap(t, model=full) for t in texts]


def _folder_articles(folder: Path) -> list[Article]:
    items = load_folder(
        folder, pattern=UN_PATTERN, settings=FolderSettings(n_jobs=1), follow_symlinks=True
    )
    return [item for item in items if isinstance(item, Article)]


def test_worker_facts_equal_the_build_figures(un_sample: Path) -> None:
    articles = _folder_articles(un_sample)
    assert len(articles) > 250
    settings = DedupeSettings()
    maker = DocumentFactsMaker(dedupe=True, dedupe_settings=None)
    for start in range(0, len(articles), 50):
        maker(articles[start : start + 50])
    texts = [document_text({"text": a.text, "title": a.title}) for a in articles]
    signatures, keys, shingles = hash_batch(texts, settings)
    for n, (article, text) in enumerate(zip(articles, texts, strict=True)):
        facts = article.meta[FACTS_KEY]
        assert isinstance(facts, DocumentFacts)
        assert facts.n_words == len(text.split())
        assert facts.n_chars == len(text)
        digest = hashlib.blake2b(article.text.encode("utf-8"), digest_size=16).digest()
        assert facts.body_key == digest
        assert facts.exact_key == keys[n] and facts.n_shingles == shingles[n]
        assert facts.text_utf8 == article.text.encode("utf-8")
        assert facts.signature is not None
        assert np.array_equal(facts.signature, signatures[n])
    plain = DocumentFactsMaker(dedupe=False)
    article = Article(doc_id="x", text="Lone \ud800 surrogate.", source_path="p", loader="folder")
    plain([article])
    assert FACTS_KEY not in article.meta  # the build computes (and fails) itself


def test_build_with_worker_facts_is_byte_identical(
    un_sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = Source(un_sample, format="folder", pattern=UN_PATTERN, outlet="UN", base=un_sample)
    settings = BuildSettings(
        batch_size=100, folder=FolderSettings(n_jobs=2, chunk_size=16), follow_symlinks=True
    )
    added: list[int] = []
    original = BatchSignatures.add_hashed

    def counting(self: BatchSignatures, *args: object) -> None:
        added.append(1)
        original(self, *args)

    monkeypatch.setattr(BatchSignatures, "add_hashed", counting)
    fast = build_corpus([source], tmp_path / "fast", settings=settings, progress=False)
    assert added, "the workers' facts were not used"
    monkeypatch.setattr(DocumentFactsMaker, "__call__", lambda self, articles: None)
    added.clear()
    plain = build_corpus([source], tmp_path / "plain", settings=settings, progress=False)
    assert not added
    assert fast.corpus_hash == plain.corpus_hash
    for name in ("articles/part-00000.parquet", "manifest.json", "rejects.csv"):
        assert (tmp_path / "fast" / name).read_bytes() == (tmp_path / "plain" / name).read_bytes()
    assert len(open_corpus(tmp_path / "fast").parts) == 1
    (counts,) = fast.rows(total=False)
    assert counts == plain.rows(total=False)[0]
    assert counts["in"] == counts["kept"] + counts["duplicates"] + counts["rejected"]
    assert counts["rejected"] == 1  # the stray notes file
    meta = pq.read_table(open_corpus(tmp_path / "fast").parts[0], columns=["meta"])
    assert not any(build_module.FACTS_KEY in m for m in meta.column("meta").to_pylist())


_PIECES = [*"ab.C-", " ", "  ", "\n", "\n\n\n", "\t", "\r\n", "\x0b", "\x1d", "\u00a0"]
_MESSY = st.lists(
    st.sampled_from([*_PIECES, "\u2003", "\u2028", "\x85", "\u3000", "\u200b", "\u00e9", "\u201c"]),
    max_size=60,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_MESSY, st.one_of(st.none(), _MESSY))
def test_word_count_of_normalized_text(body: str, title: str | None) -> None:
    text = normalize_text(body)
    full = document_text({"title": normalize_inline(title) if title else None, "text": text})
    assert normalized_word_count(full.encode("utf-8")) == len(full.split())


def test_normalized_text_has_only_spaces_and_line_breaks() -> None:
    """The form :func:`normalized_word_count` relies on, for every white-space character."""
    for code in range(0x110000):
        char = chr(code)
        if not char.isspace():
            continue
        text = normalize_text(f" a{char}b {char}{char} c{char}\n{char}d{char}")
        assert {c for c in text if c.isspace()} <= {" ", "\n"}, hex(code)
        assert "  " not in text and " \n" not in text and "\n " not in text, hex(code)
        assert "\n\n\n" not in text and text == text.strip(), hex(code)
        data = text.encode("utf-8", "surrogatepass")
        assert normalized_word_count(data) == len(text.split()), hex(code)


def test_precomputed_hashes_keep_their_place() -> None:
    texts = [f"Text number {i} of the general debate, {'word ' * (i % 7)}end." for i in range(30)]
    texts[17] = texts[3]  # an exact duplicate
    settings = DedupeSettings()
    plain = BatchSignatures(settings, process_after=None)
    mixed = BatchSignatures(settings, process_after=None)
    for start in range(0, 30, 5):
        batch = texts[start : start + 5]
        plain.submit(batch)
        if start % 10 == 0:
            mixed.add_hashed(*hash_batch(batch, settings))
        else:
            mixed.submit(batch)
    ids = [f"d{i}" for i in range(30)]
    assert mixed.keys() == plain.keys()
    assert mixed.duplicates(ids) == plain.duplicates(ids) == {"d17": ("d3", "exact", 1.0)}


def test_cached_hashing_tables_give_the_same_signatures() -> None:
    small = ["A short text about the security council and its members."] * 2
    large = [f"word{i} " * 50 for i in range(400)]
    first = minhash_signatures(small, n_docs=2)
    minhash_signatures(large, n_docs=len(large))  # grows the cached tables
    again = minhash_signatures(small, n_docs=2)
    assert np.array_equal(first[0], again[0]) and first[1] == again[1]
    assert np.array_equal(first[2], again[2])


def test_threaded_content_hash_equals_the_sequential_one(tmp_path: Path) -> None:
    rows: dict[str, list[object]] = {name: [None] * 6 for name in ARTICLES_SCHEMA.names}
    rows.update(
        doc_id=[f"id{i}" for i in range(6)],
        outlet=["UN"] * 6,
        text=[f"Text {i} " * (i + 1) for i in range(6)],
        source_path=[f"p{i}" for i in range(6)],
        loader=["folder"] * 6,
        meta=["{}"] * 6,
        n_chars=list(range(6)),
        n_words=list(range(6)),
    )
    table = pa.Table.from_pydict(rows, schema=ARTICLES_SCHEMA)
    expected = ContentHasher()
    with ArticleWriter(tmp_path, row_group_size=2) as writer:
        for start in range(0, 6, 2):
            part = table.slice(start, 2)
            writer.write(part)
            expected.update(part)
        assert writer.hasher.hexdigest() == expected.hexdigest()
    assert writer.hasher.hexdigest() == expected.hexdigest()
    assert os.path.getsize(tmp_path / "articles" / "part-00000.parquet") > 0


_WORKER_IMPORTS = """
import sys
from pathlib import Path
from secnews.corpus.loaders.folder import WORKER_MODULES
from secnews.corpus.workers import preload_modules
preload_modules(WORKER_MODULES)
before = set(sys.modules)
from secnews.corpus.loaders import folder
from secnews.corpus.loaders import folder_vocab
from secnews.corpus.build.facts import DocumentFactsMaker
from secnews.corpus.loaders.folder import FolderPattern, FolderSettings, HyphenationModel
root = Path(sys.argv[1])
paths = sorted(str(p) for p in (root / "TXT").glob("Session 5*/*.txt"))[:40]
words = folder_vocab._lookup_chunk(paths)
counts, n = folder_vocab._listed_chunk(frozenset(words), paths)
model = HyphenationModel().add_counts(counts, n_documents=n)
folder._init_worker("UN", FolderSettings(), model, DocumentFactsMaker())
pattern = FolderPattern("TXT/Session {session} - {year}/{country}_{session}_{year}.txt")
items = []
for p in paths:
    rel = Path(p).relative_to(root).as_posix()
    items.append((p, rel, pattern.match(rel)))
loaded = folder._load_chunk(items)
assert len(loaded) == 40 and all("_secnews_facts" in a.meta for a in loaded)
print(sorted(set(sys.modules) - before))
"""


def test_workers_import_nothing_after_the_preload(corpora_dir: Path) -> None:
    """Everything the workers run is imported before a fork (see ``WORKER_MODULES``)."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _WORKER_IMPORTS, str(corpora_dir / "ungdc-1946-2024")],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


_RENSA_FORK = """
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
import numpy as np
import rensa
from secnews.corpus.build.facts import DocumentFactsMaker
from secnews.corpus.record import Article

flat = np.arange(2000 * 200, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
offsets = np.arange(0, 2000 * 200 + 1, 200, dtype=np.uint64)
rensa.RMinHash.digest_matrix_from_flat_token_hashes(flat, offsets, 128, 1)  # starts its pool

def facts(n):
    articles = [
        Article(doc_id=str(i), text=f"Short statement {i} on the war.", source_path="p",
                loader="folder")
        for i in range(n)
    ]
    DocumentFactsMaker()(articles)
    return sum("_secnews_facts" in a.meta for a in articles)

with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
    print(pool.submit(facts, 300).result(timeout=60))
"""


def test_worker_facts_survive_a_fork_after_rensa_used_its_threads() -> None:
    """rensa's thread pool does not exist in a forked worker: the facts call it on small
    batches only, which it hashes in the calling thread (300 documents at once would hang)."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _RENSA_FORK], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and done.stdout.strip() == "300", done.stdout + done.stderr


def test_text_column_from_utf8_equals_the_plain_one() -> None:
    from secnews.corpus.build.util import rows_to_table

    texts = [
        "Plain text.",
        "Caf\u00e9 \u201cquoted\u201d \u2014 \u0416\u0443\u0440\u043d\u0430\u043b",
        "",
        "\U0001f600 emoji",
    ]
    rows = [
        {name: None for name in ARTICLES_SCHEMA.names}
        | {"doc_id": str(i), "text": t, "source_path": "p", "loader": "folder", "meta": "{}"}
        for i, t in enumerate(texts)
    ]
    plain = rows_to_table(rows)
    fast = rows_to_table(rows, text_utf8=[t.encode("utf-8") for t in texts])
    assert fast.equals(plain)
    fast.validate(full=True)
    assert fast.column("text").to_pylist() == texts
