"""Language identification (lingua) on real article text, batches, and page lines."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from secnews.corpus.clean.langid import (
    LANGUAGES,
    detect_language,
    detect_languages,
    language_confidences,
)
from secnews.corpus.loaders.pagetext import extract_pagetext

#: Tiny hand-written sentences for languages of which the shared corpora have no article text.
OTHER = {
    "ru": "Министр иностранных дел России заявил, что идея коллективной безопасности актуальна.",
    "uk": "Президент України заявив, що країна продовжить боротьбу за свою незалежність.",
    "de": "Die Verteidigungsminister der NATO haben sich am Donnerstag in Brüssel getroffen.",
    "fr": "Les ministres de la Défense de l'OTAN se sont réunis jeudi à Bruxelles.",
}


@pytest.fixture(scope="module")
def press(corpora_dir: Path) -> list[str]:
    folder = corpora_dir / "kremlin-ukraine-press-2021-2022"
    bodies: list[str] = []
    for name in ("kremlin_putin.csv", "president_ua_zelenskyy.csv"):
        frame = pd.read_csv(folder / name)
        bodies += frame["body"].dropna().astype(str).head(100).tolist()
    articles = json.loads(
        (corpora_dir / "tass-politics-2024" / "politics_20.json").read_text("utf-8")
    )
    return bodies + [" ".join(a["content"]) for a in articles]


def test_real_english_articles(press: list[str]) -> None:
    found = detect_languages(press)
    assert len(found) == len(press)
    assert found.count("en") == len(press)


def test_batch_equals_single(press: list[str]) -> None:
    texts = [*press[:5], "ok", "", *OTHER.values()]
    batch = detect_languages(texts, max_chars=1000)
    single = [detect_language(t, max_chars=1000) for t in texts]
    assert batch == single
    assert batch[5:7] == [None, None]  # too short to tell
    assert batch[7:] == list(OTHER)


def test_other_languages_and_short_text() -> None:
    for code, text in OTHER.items():
        assert detect_language(text) == code
    assert detect_language("Chats") is None
    assert detect_language("12345 67890 !!!") is None
    assert set(OTHER) <= set(LANGUAGES) and len(LANGUAGES) == len(set(LANGUAGES))


def test_max_chars_looks_only_at_the_head(press: list[str]) -> None:
    mixed = press[0][:1500] + " " + OTHER["ru"] * 40
    assert detect_language(mixed, max_chars=1000) == "en"
    assert detect_languages([mixed], max_chars=1000) == ["en"]
    assert detect_language(mixed) == "ru"  # the Russian part is longer


def test_confidences() -> None:
    (values, empty) = language_confidences([OTHER["de"], "Chats"])
    assert empty == {}
    assert set(values) == set(LANGUAGES)
    assert sum(values.values()) == pytest.approx(1.0, abs=1e-6)
    assert max(values, key=lambda code: values[code]) == "de"


def test_page_line_in_another_latin_language(tmp_path: Path, corpora_dir: Path) -> None:
    """A German cookie notice inside an English page goes, with the language as its reason;
    English lines full of foreign names stay."""
    articles = json.loads(
        (corpora_dir / "tass-politics-2024" / "politics_20.json").read_text("utf-8")
    )
    article = articles[5]
    cookie = "Diese Website verwendet Cookies, um Ihnen das beste Erlebnis auf der Seite zu bieten."
    names = (
        "The Mayor of Warsaw, Mr. Rafał Trzaskowski, met Mateusz Morawiecki and Jarosław Kaczyński."
    )
    lines = [article["title"], *article["content"][:3], names, cookie, *article["content"][3:]]
    path = tmp_path / "page.txt"
    path.write_text("\n\n".join(lines), encoding="utf-8")
    result = extract_pagetext(path)
    assert result.language == "en"
    assert dict(result.removed)[cookie] == "language: de line in a en article"
    assert names in result.text.split("\n\n")


def test_extended_language_set() -> None:
    from secnews.corpus.clean.langid import EXTENDED_LANGUAGES

    finnish = "Suomen hallitus päätti hakea Naton jäsenyyttä Venäjän hyökkäyksen jälkeen."
    assert detect_language(finnish, languages=EXTENDED_LANGUAGES) == "fi"
    assert detect_language(finnish) == "fi"
    assert detect_languages([finnish], languages=EXTENDED_LANGUAGES) == ["fi"]
    assert set(LANGUAGES) < set(EXTENDED_LANGUAGES)


#: Short official-style sentences in EU/NATO languages the first, fast pass does not know (it
#: called them de, es, en, pl, fr, ...).
EU_NATO = {
    "nl": "De ministers van Defensie van de NAVO zijn donderdag in Brussel bijeengekomen.",
    "sv": "Sveriges regering har beslutat att ansöka om medlemskap i Nato efter Rysslands anfall.",
    "da": "Forsvarsministeren oplyste, at Danmark vil øge sine bidrag til NATO's styrker.",
    "nb": "Regjeringen vil styrke forsvaret og øke bevilgningene til Forsvaret i tråd med NATOs mål.",
    "cs": "Vláda České republiky schválila další vojenskou pomoc Ukrajině a posílení obrany státu.",
    "sk": "Vláda Slovenskej republiky schválila ďalšiu pomoc Ukrajine a posilnenie obrany krajiny.",
    "sl": "Vlada Republike Slovenije je sprejela sklep o dodatni pomoči Ukrajini in okrepitvi obrambe.",
    "hr": "Vlada Republike Hrvatske donijela je odluku o dodatnoj pomoći Ukrajini i jačanju obrane.",
    "hu": "A magyar kormány szerint a háború mielőbbi lezárása az egész kontinens érdeke.",
    "ro": "Guvernul României a aprobat un nou pachet de sprijin pentru Ucraina și securitatea regiunii.",
    "pt": "O Governo português aprovou um novo pacote de apoio à Ucrânia e reforçou a defesa nacional.",
    "lt": "Lietuvos Vyriausybė nusprendė skirti papildomą paramą Ukrainai ir stiprinti šalies gynybą.",
    "lv": "Latvijas valdība nolēma piešķirt papildu atbalstu Ukrainai un stiprināt valsts aizsardzību.",
    "et": "Eesti valitsus otsustas anda Ukrainale täiendavat abi ja tugevdada riigi kaitset.",
    "sq": "Qeveria e Shqipërisë vendosi të japë ndihmë shtesë për Ukrainën dhe të forcojë mbrojtjen.",
    "mk": "Владата на Република Северна Македонија одлучи да даде дополнителна помош на Украина.",
    "is": "Ríkisstjórn Íslands ákvað að veita Úkraínu frekari stuðning og efla varnir landsins.",
    "bg": "Правителството на България реши да окаже допълнителна помощ на Украйна.",
    "el": "Η ελληνική κυβέρνηση αποφάσισε να παράσχει πρόσθετη βοήθεια στην Ουκρανία.",
    "sr": "Влада Републике Србије одлучила је да пружи додатну помоћ и ојача одбрану земље.",
}


def test_eu_and_nato_languages() -> None:
    from secnews.corpus.clean.langid import FAST_LANGUAGES

    assert set(EU_NATO) <= set(LANGUAGES)
    assert detect_languages(list(EU_NATO.values())) == list(EU_NATO)
    for code, text in EU_NATO.items():
        assert detect_language(text) == code
    wrong = detect_languages(list(EU_NATO.values()), languages=FAST_LANGUAGES)
    assert sum(a != b for a, b in zip(wrong, EU_NATO, strict=True)) >= 15  # what the fix fixes
    confidences = language_confidences([EU_NATO["nl"], EU_NATO["pt"]])
    assert [max(c, key=lambda k: c[k]) for c in confidences] == ["nl", "pt"]
