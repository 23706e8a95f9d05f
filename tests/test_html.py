"""Saved HTML pages: trafilatura's labelled news pages, metadata, and hostile HTML."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from secnews.corpus.loaders.html import HtmlSettings, extract_html, load_html
from secnews.corpus.loaders.html_eval import evaluate_html, overall_share
from secnews.corpus.record import Article, Reject

#: Measured on 2026-11-28: 134 of 141 checks (0.950); trafilatura alone passes 131 (0.929).
#: The seven failures: a Turkish line the language rule removes by design, a Reuters credits
#: line, two teasers inside SCMP's JSON-LD body, a related-link list knowtechie counts as text,
#: a letters-page footer inside a paragraph, and a Salon note trafilatura does not extract.
MEASURED_SHARE = 134 / 141
MARGIN = 0.015


@pytest.fixture(scope="module")
def html_dir(corpora_dir: Path) -> Path:
    return corpora_dir / "html-news-pages" / "html"


@pytest.fixture(scope="module")
def scores(corpora_dir: Path, html_dir: Path) -> list:
    return evaluate_html(corpora_dir / "html-news-pages" / "evaldata_subset.json", html_dir)


def test_eval_share_does_not_regress(scores: list) -> None:
    assert len(scores) == 24
    share = overall_share(scores)
    assert share >= MEASURED_SHARE - MARGIN, [s.failed for s in scores if s.failed]
    # no page is lost entirely, and every page still gives an article
    assert all(s.reject is None for s in scores)
    assert min(s.share for s in scores) >= 0.7


def test_eval_share_is_computed_right(scores: list) -> None:
    passed = sum(s.with_passed + s.without_passed for s in scores)
    total = sum(s.with_total + s.without_total for s in scores)
    assert total == 141
    assert overall_share(scores) == passed / total
    for s in scores:
        assert len(s.failed) == (s.with_total - s.with_passed) + (
            s.without_total - s.without_passed
        )


@pytest.mark.parametrize(
    "file",
    [
        "latimes.com.bloomberg.html",
        "theguardian.com.academics.html",
        "nature.com.telescope.html",
        "nytimes.com.blackouts.html",
        "salon.com.emissions.html",
        "phys.org.tool.html",
    ],
)
def test_metadata_matches_labels(corpora_dir: Path, html_dir: Path, file: str) -> None:
    labels = json.loads(
        (corpora_dir / "html-news-pages" / "evaldata_subset.json").read_text("utf-8")
    )
    ((url, entry),) = [(u, e) for u, e in labels.items() if e["file"] == file]
    result = extract_html(html_dir / file)
    assert result.title is not None and result.title.startswith(entry["title"].replace("’", "'"))
    assert result.author == entry["author"]
    day = datetime.strptime(entry["date"], "%Y-%m-%d").replace(tzinfo=UTC)
    assert result.published is not None and result.published.tzinfo == UTC
    assert result.published.date() == day.date()  # the labels are days; pages state times
    assert result.url is not None and result.url.split("//")[1].lstrip("w.") == url.split("//")[
        1
    ].lstrip("w.")
    assert result.language == "en"


def test_reuters_dateline_and_dw_teasers(html_dir: Path) -> None:
    reuters = extract_html(html_dir / "reuters.com.parasite.html")
    assert reuters.dateline_place == "LOS ANGELES"
    assert reuters.meta["dateline_outlet"] == "Reuters"
    assert reuters.outlet == "Reuters"
    assert reuters.text.startswith("LOS ANGELES (Reuters) -")
    dw = extract_html(html_dir / "dw.com.colonial.html")
    assert dw.title == "Berlin confronts Germany's colonial past with new initiative"
    teasers = [line for line, reason in dw.removed if reason.startswith("teaser")]
    assert any(
        line.startswith("Read more: Recognizing Germany colonial crimes") for line in teasers
    )
    assert "Right-wing resistance" in dw.text.split("\n\n")  # a subheading stays


def test_load_html_yields_articles(html_dir: Path) -> None:
    paths = [html_dir / "bbc.com.52241221.html", html_dir / "politico.com.retirement.html"]
    results = list(load_html(paths, outlet="Test Outlet"))
    assert [r.source_path for r in results] == [str(p) for p in paths]
    for article in results:
        assert isinstance(article, Article)
        assert article.loader == "html"
        assert article.outlet == "Test Outlet"
        assert article.url and article.url.startswith("https://")
        assert article.published is not None and article.published.tzinfo is not None
        assert "\n\n" in article.text


PARAGRAPH = (
    "<p>NATO defence ministers met in Brussels on Thursday to discuss the alliance's posture on "
    "its eastern flank, officials said after the meeting ended late in the evening.</p>"
)


def _write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_hostile_html_gives_reasons_never_crashes(tmp_path: Path, html_dir: Path) -> None:
    nested = "<html><body>" + "<div>" * 3000 + PARAGRAPH * 3 + "</div>" * 3000 + "</body></html>"
    script_only = (
        "<html><head><script>" + "var x = 1;" * 5000 + "</script></head><body></body></html>"
    )
    broken = (
        "<html><body><div><p>Home</p><article>"
        + PARAGRAPH
        + PARAGRAPH.replace("Thursday", "Friday").replace("officials", "diplomats")
        + "<p>The talks will continue next month in Vilnius, where the summit is due to take place."
        + "<p>unclosed <b><i>tags <div></span></table>"
    )
    many = "<html><body>" + "<span>x</span>" * 600_000 + "</body></html>"
    cases: dict[str, str | bytes] = {
        "nested.html": nested,
        "script.html": script_only,
        "broken.html": broken,
        "many.html": many,
        "empty.html": b"",
        "binary.html": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40,
        "plain.html": "just some words without any markup at all " * 10,
    }
    paths = [_write(tmp_path / name, content) for name, content in cases.items()]
    good = html_dir / "nytimes.com.blackouts.html"
    results = list(load_html([*paths, good]))
    assert [r.source_path for r in results] == [str(p) for p in [*paths, good]]
    big = _write(tmp_path / "big.html", "<html><body>" + PARAGRAPH * 20 + "</body></html>")
    (too_big,) = load_html([big], settings=HtmlSettings(max_bytes=big.stat().st_size - 1))
    reasons = {
        Path(r.source_path).name: r.reason for r in [*results, too_big] if isinstance(r, Reject)
    }
    assert reasons["nested.html"].startswith("deeply nested HTML")
    assert reasons["script.html"].startswith("no article text")
    assert reasons["many.html"].startswith("huge HTML page")
    assert reasons["empty.html"] == "empty file"
    assert reasons["binary.html"].startswith("binary file")
    assert reasons["plain.html"].startswith("not HTML")
    assert reasons["big.html"].startswith("file too large")
    assert isinstance(results[-1], Article)
    # broken markup still gives the article, or a reason: here the text survives
    broken_result = results[2]
    assert isinstance(broken_result, Article)
    assert "NATO defence ministers met in Brussels" in broken_result.text


def test_extract_html_raises_value_error_with_reason(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "nothing.html", "<html><body><nav>Home | News | Sport</nav></body></html>"
    )
    with pytest.raises(ValueError, match="no article text"):
        extract_html(path)


def test_site_template_across_pages(tmp_path: Path) -> None:
    """A paragraph two different articles of one site share is the site's template; a page
    saved twice keeps its own text."""
    slogan = (
        "<p>Independent journalism needs your support: become a member of our newsroom today.</p>"
    )
    first = PARAGRAPH + "<p>The ministers agreed to strengthen air defence along the border.</p>"
    second = (
        "<p>The European Council met on Friday to discuss new sanctions against Russia's shadow "
        "fleet in the Baltic Sea, diplomats said.</p><p>A decision is expected next week.</p>"
    )

    def page(title: str, body: str) -> str:
        return (
            f"<html><head><title>{title}</title><meta property='og:site_name' content='Example "
            f"News'></head><body><article><h1>{title}</h1>{body}{slogan}</article></body></html>"
        )

    paths = [
        _write(tmp_path / "a.html", page("Ministers meet", first)),
        _write(tmp_path / "b.html", page("Sanctions talks", second)),
        _write(tmp_path / "a_again.html", page("Ministers meet", first)),
    ]
    alone = extract_html(paths[0])
    assert "become a member of our newsroom" in alone.text
    results = list(load_html(paths))
    assert all(isinstance(r, Article) for r in results)
    texts = [r.text for r in results if isinstance(r, Article)]
    assert all("become a member of our newsroom" not in t for t in texts)
    assert texts[0] == texts[2]
    assert "air defence along the border" in texts[0]


def test_extract_file_dispatches_on_suffix(
    corpora_dir: Path, html_dir: Path, tmp_path: Path
) -> None:
    from secnews.corpus.loaders.extract import extract_file

    seed = corpora_dir / "seed-article" / "000_da4050e255aaa6b8.txt"
    assert extract_file(seed).dateline_place == "MOSCOW"
    assert extract_file(html_dir / "reuters.com.parasite.html").dateline_place == "LOS ANGELES"
    copy = tmp_path / "page.dump"
    copy.write_bytes((html_dir / "reuters.com.parasite.html").read_bytes())
    assert extract_file(copy, format="html").outlet == "Reuters"
    with pytest.raises(ValueError, match="not a page dump"):
        extract_file(copy)  # read as page text: minified HTML lines are no page dump
    with pytest.raises(ValueError, match="unknown format"):
        extract_file(copy, format="pdf")


def _page(tmp_path: Path, head: str, foot: str) -> Path:
    body = "".join(
        f"<p>NATO defence ministers met in Brussels on Thursday to discuss item {i} of the "
        "alliance's plans for the eastern flank and the support for Ukraine.</p>"
        for i in range(8)
    )
    path = tmp_path / "page.html"
    path.write_text(
        f"<html><head><title>Ministers meet</title>{head}</head><body><article>"
        f"<h1>Ministers meet</h1>{body}</article><footer>{foot}</footer></body></html>",
        encoding="utf-8",
    )
    return path


def test_published_is_never_guessed_from_the_copyright_footer(tmp_path: Path) -> None:
    result = extract_html(_page(tmp_path, "", "© 2021 Example News"))
    assert result.published is None


def test_published_keeps_the_time_zone(tmp_path: Path) -> None:
    meta = '<meta property="article:published_time" content="2022-06-24T23:30:00-05:00">'
    result = extract_html(_page(tmp_path, meta, "© 2021 Example News"))
    assert result.published == datetime(2022, 6, 25, 4, 30, tzinfo=UTC)
    day_only = '<meta property="article:published_time" content="2022-06-24">'
    result = extract_html(_page(tmp_path, day_only, ""))
    assert result.published == datetime(2022, 6, 24, tzinfo=UTC)
