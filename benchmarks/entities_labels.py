"""Labelled parts of the entity benchmark: Reuters-21578 countries and organisations, war places.

**Reuters-21578** (``reuters-21578-1987``, 19,043 stories with a body, loaded by
:func:`~secnews.corpus.loaders.records.load_records`; the loader strips the dateline into
``dateline_place``). Gold: the editors' ``PLACES`` codes mapped to ISO countries (``usa`` ->
``country:USA``, ``west-germany`` -> ``country:BRD``, ``ussr`` -> ``country:SUN``) and the ``ORGS``
codes the gazetteer has (``ec``, ``gatt``, ``opec``, ...). Predicted: the countries (and those
organisations) among a story's mentions. Micro precision, recall and F1 over (story, entity)
pairs; *recall on named ones* counts only gold countries one of whose gazetteer aliases occurs
in the title or body. Rows: gazetteer mode; with the dateline place counted; with places rolled
up to their country; spaCy (full) mode on a sample of stories. *Look-alike false positives* are
mentions of a country the story's gold lacks, by surface: ``CAR``; ``Georgia``; an all-caps
word after ``NEW`` (``NEW JERSEY``); a ticker in angle brackets; a surname-like country
(Jordan, Holland, Mali, Chad, Malawi, in any case); a country word followed by a company word.

**Places** (``kremlin-ukraine-press-2021-2022``, ``usgov-ukraine-2022``): the share of
occurrences of Ukrainian and Russian place names that resolve to their own place entity (not the
country). The gold list per corpus is the set of capitalised words and word pairs that end in a
place-like context ("in X", "X region", "near X") and that a reviewer marked as a Ukrainian or
Russian place (:data:`PLACE_NAMES`); the editable tables were tuned on the Kremlin releases and
the figure that counts is the one on the US government statements, which were not looked at.
"""

from __future__ import annotations

import re
import time
from collections import Counter

import pandas as pd

from secnews.analysis.entities.extract import ExtractionSettings, extract_entities
from secnews.analysis.entities.gazetteer import Gazetteer, build_gazetteer
from secnews.corpus.paths import data_dir

REUTERS_MAPPING = (
    "title=TITLE,text=BODY,published=DATE,dateline_place=DATELINE,meta=TOPICS,PLACES,ORGS,PEOPLE"
)
_SPECIAL = {
    "usa": "USA",
    "uk": "GBR",
    "turkey": "TUR",
    "brunei": "BRN",
    "antigua": "ATG",
    "ussr": "SUN",
    "west-germany": "BRD",
    "east-germany": "DDR",
    "czechoslovakia": "CSK",
    "yugoslavia": "YUG",
    "zaire": "ZAR",
    "kampuchea": "KHM",
    "burma": "MMR",
    "congo": "COG",
    "ivory-coast": "CIV",
    "uae": "ARE",
    "vatican": "VAT",
    "yemen-arab-republic": "YEM",
    "yemen-demo-republic": "YMD",
    "south-korea": "KOR",
    "north-korea": "PRK",
    "iran": "IRN",
    "syria": "SYR",
    "laos": "LAO",
    "taiwan": "TWN",
    "vietnam": "VNM",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "tanzania": "TZA",
    "trinidad-tobago": "TTO",
    "western-samoa": "WSM",
    "swaziland": "SWZ",
    "cape-verde": "CPV",
    "macao": "MAC",
    "netherlands-antilles": "ANT",
    "us-virgin-islands": "VIR",
    "british-virgin-islands": "VGB",
}
ORG_LABELS = {
    "ec": "org:ec",
    "gatt": "org:gatt",
    "opec": "org:opec",
    "imf": "org:imf",
    "worldbank": "org:world_bank",
    "oecd": "org:oecd",
    "un": "org:un",
    "asean": "org:asean",
    "gcc": "org:gcc",
    "iaea": "org:iaea",
    "fao": "org:fao",
    "who": "org:who",
}
_COMPANY_WORDS = frozenset(
    [
        "Airways",
        "Airlines",
        "Petroleum",
        "Telecom",
        "Steel",
        "Motors",
        "Pacific",
        "Gulf",
        "Corp",
        "Corporation",
        "Inc",
        "Co",
        "Ltd",
        "Plc",
        "PLC",
        "Industries",
        "Holdings",
        "Electric",
        "Chemical",
        "Chemicals",
        "Railways",
        "Aerospace",
        "Tobacco",
        "Express",
        "Fund",
        "Trust",
        "Gas",
        "Power",
    ]
)
_SURNAME_LIKE = {"Jordan", "Holland", "Mali", "Chad", "Malawi"}


def country_id(code: str) -> str | None:
    """The gazetteer id of a Reuters ``PLACES`` code (``None`` when it is not a country)."""
    import pycountry

    if code in _SPECIAL:
        return f"country:{_SPECIAL[code]}"
    try:
        return f"country:{pycountry.countries.lookup(code.replace('-', ' ')).alpha_3}"
    except LookupError:
        return None


def load_reuters() -> pd.DataFrame:
    """Every Reuters-21578 story with a body: text, title, date, dateline place and gold labels."""
    from secnews.corpus.loaders.records import load_records
    from secnews.corpus.record import Article

    rows = []
    for path in sorted((data_dir() / "reuters-21578-1987").glob("reut2-*.sgm")):
        for item in load_records(path, mapping=REUTERS_MAPPING, record="REUTERS"):
            if not isinstance(item, Article):
                continue
            meta = item.meta or {}
            rows.append(
                {
                    "doc_id": item.doc_id,
                    "title": item.title or "",
                    "text": item.text,
                    "published": item.published,
                    "dateline_place": item.dateline_place or "",
                    "places": list(meta.get("PLACES") or []),
                    "orgs": list(meta.get("ORGS") or []),
                }
            )
    frame = pd.DataFrame(rows).drop_duplicates("doc_id").reset_index(drop=True)
    return frame


def _gold(frame: pd.DataFrame) -> tuple[dict[str, set[str]], dict[str, set[str]], Counter]:
    countries: dict[str, set[str]] = {}
    orgs: dict[str, set[str]] = {}
    unmapped: Counter = Counter()
    for doc_id, places, org_codes in zip(
        frame["doc_id"], frame["places"], frame["orgs"], strict=True
    ):
        ids = set()
        for code in places:
            eid = country_id(code)
            if eid is None:
                unmapped[code] += 1
            else:
                ids.add(eid)
        countries[doc_id] = ids
        orgs[doc_id] = {ORG_LABELS[c] for c in org_codes if c in ORG_LABELS}
    return countries, orgs, unmapped


def _country_of(eid: str, gazetteer: Gazetteer) -> str:
    if eid.startswith("country:"):
        return eid
    if eid.startswith("place:") and hasattr(gazetteer, "place_of"):
        return gazetteer.place_of(eid)[2]
    return ""


def predicted(
    mentions: pd.DataFrame,
    documents: pd.DataFrame,
    gazetteer: Gazetteer,
    *,
    dateline: bool = False,
    rollup: bool = False,
) -> dict[str, set[str]]:
    """Countries and organisations per story, with the dateline place and place roll-up options."""
    out: dict[str, set[str]] = {d: set() for d in documents["doc_id"]}
    for doc_id, eid in zip(mentions["doc_id"], mentions["entity_id"], strict=True):
        if eid.startswith(("country:", "org:")):
            out[doc_id].add(eid)
        elif rollup and eid.startswith("place:"):
            country = _country_of(eid, gazetteer)
            if country:
                out[doc_id].add(country)
    if dateline and "dateline_entity" in documents.columns:
        for doc_id, eid in zip(documents["doc_id"], documents["dateline_entity"], strict=True):
            country = _country_of(str(eid or ""), gazetteer)
            if country:
                out[doc_id].add(country)
    return out


def _prf(gold: dict[str, set[str]], pred: dict[str, set[str]], keep: set[str] | None) -> dict:
    tp = fp = fn = 0
    for doc_id, truth in gold.items():
        guess = {e for e in pred.get(doc_id, set()) if keep is None or e in keep}
        if keep is None:
            guess = {e for e in guess if e.startswith("country:")}
        tp += len(truth & guess)
        fp += len(guess - truth)
        fn += len(truth - guess)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {
        "P": p,
        "R": r,
        "F1": 2 * p * r / (p + r) if p + r else 0.0,
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def named_gold(
    frame: pd.DataFrame,
    gold: dict[str, set[str]],
    gazetteer: Gazetteer,
    *,
    outside_names: bool = False,
) -> dict[str, set[str]]:
    """The gold countries one of whose aliases occurs (case-sensitive, whole word) in the story
    (with ``outside_names``: at least once outside a ticker or a company name)."""
    aliases: dict[str, list[str]] = {}
    for alias, eid in zip(gazetteer.aliases["alias"], gazetteer.aliases["entity_id"], strict=True):
        if eid.startswith("country:"):
            aliases.setdefault(eid, []).append(alias)
    patterns = {
        eid: re.compile(
            r"(?<!\w)(?:" + "|".join(map(re.escape, sorted(a, key=len, reverse=True))) + r")(?!\w)"
        )
        for eid, a in aliases.items()
    }
    out = {}
    for doc_id, title, text in zip(frame["doc_id"], frame["title"], frame["text"], strict=True):
        body = f"{title}\n\n{text}"
        out[doc_id] = {
            e
            for e in gold[doc_id]
            if e in patterns
            and any(
                not outside_names or not _in_name(body, m.start(), m.end())
                for m in patterns[e].finditer(body)
            )
        }
    return out


def _in_name(text: str, start: int, end: int) -> bool:
    """Whether an alias occurrence is a ticker or part of a company name (next word)."""
    if text[start - 1 : start] == "<":
        return True
    after = re.match(r"(?:-[A-Z]|\s+(?:[A-Z][\w&.]*\s+){0,2}(\w+))", text[end : end + 60])
    return after is not None and (after.group(1) is None or after.group(1) in _COMPANY_WORDS)


def lookalikes(frame: pd.DataFrame, mentions: pd.DataFrame, gold: dict[str, set[str]]) -> Counter:
    """False-positive country mentions by look-alike kind (see the module docstring)."""
    from secnews.corpus.store.read import document_text

    texts = {
        d: document_text({"title": t, "text": x})
        for d, t, x in zip(frame["doc_id"], frame["title"], frame["text"], strict=True)
    }
    counts: Counter = Counter()
    rows = mentions[mentions["entity_id"].str.startswith("country:")]
    for doc_id, start, end, surface, eid in zip(
        rows["doc_id"], rows["start"], rows["end"], rows["surface"], rows["entity_id"], strict=True
    ):
        if eid in gold[doc_id]:
            continue
        text = texts[doc_id]
        before, after = text[max(0, start - 12) : start], text[end : end + 30]
        next_word = re.match(r"[\s-]*([A-Za-z]+)", after)
        if surface == "CAR":
            counts["CAR (headline)"] += 1
        elif surface.lower() == "georgia":
            counts["Georgia (US state/company)"] += 1
        elif surface.isupper() and before.endswith("NEW "):
            counts["all-caps NEW JERSEY/MEXICO"] += 1
        elif before.endswith("<"):
            counts["ticker <ROK>"] += 1
        elif surface.title() in _SURNAME_LIKE:
            counts["surname (Jordan, Holland, ...)"] += 1
        elif next_word and next_word.group(1) in _COMPANY_WORDS:
            counts["company name (British Petroleum)"] += 1
    return counts


def _misses(frame, gold, pred, named, keep=None) -> tuple[Counter, Counter]:
    miss, false = Counter(), Counter()
    for doc_id, truth in gold.items():
        guess = {
            e
            for e in pred.get(doc_id, set())
            if (keep is None and e.startswith("country:")) or (keep is not None and e in keep)
        }
        for e in truth - guess:
            if named is None or e in named.get(doc_id, set()):
                miss[e] += 1
        for e in guess - truth:
            false[e] += 1
    return miss, false


def reuters_report(*, full_stories: int = 600, judged_stories: int = 3000) -> None:
    """Print the Reuters-21578 table (gazetteer mode on all stories, full mode on a sample).

    ``judged_stories``: the size of the random sample on which spaCy judges which gold countries
    are named as countries (:mod:`benchmarks.entities_named`; 0 skips it).
    """
    start = time.perf_counter()
    frame = load_reuters()
    print(f"\nReuters-21578: {len(frame):,} stories loaded in {time.perf_counter() - start:.1f} s")
    gazetteer = build_gazetteer()
    gold, gold_orgs, unmapped = _gold(frame)
    named = named_gold(frame, gold, gazetteer)
    named_out = named_gold(frame, gold, gazetteer, outside_names=True)
    n_labels = sum(len(v) for v in gold.values())
    print(
        f"gold: {n_labels:,} country labels ({sum(len(v) for v in named.values()):,} named in "
        f"the story), {sum(len(v) for v in gold_orgs.values()):,} organisation labels; "
        f"unmapped place codes: {dict(unmapped.most_common(5))}"
    )
    start = time.perf_counter()
    result = extract_entities(frame, gazetteer=gazetteer, progress=False)
    elapsed = time.perf_counter() - start
    words = int(sum(len(t.split()) for t in frame["text"]))
    print(f"gazetteer mode: {elapsed:.1f} s ({words / elapsed:,.0f} words/s)")
    org_ids = set(ORG_LABELS.values())
    table = []
    variants = {
        "gazetteer": {},
        "gazetteer + dateline": {"dateline": True},
        "gazetteer + places rolled up": {"rollup": True},
    }
    for name, options in variants.items():
        pred = predicted(result.mentions, result.documents, gazetteer, **options)
        row = {"run": name, "stories": len(frame)}
        c = _prf(gold, pred, None)
        row.update({f"country {k}": v for k, v in c.items() if k in ("P", "R", "F1")})
        row["country R named"] = _prf(named, pred, None)["R"]
        row["R named, not in co. names"] = _prf(named_out, pred, None)["R"]
        o = _prf(gold_orgs, pred, org_ids)
        row.update({f"org {k}": v for k, v in o.items() if k in ("P", "R", "F1")})
        row["EC R"] = _prf({d: v & {"org:ec"} for d, v in gold_orgs.items()}, pred, {"org:ec"})["R"]
        table.append(row)
    base_pred = predicted(result.mentions, result.documents, gazetteer)
    looks = lookalikes(frame, result.mentions, gold)
    judged_misses: Counter = Counter()
    if judged_stories:
        from benchmarks.entities_named import judged_recall, missed_examples, spacy_named

        judged = frame.sample(n=min(judged_stories, len(frame)), random_state=1)
        start = time.perf_counter()
        named_j, _ = spacy_named(judged, gold, gazetteer)
        print(f"spaCy judged {len(judged):,} stories in {time.perf_counter() - start:.1f} s")
        for row, options in zip(table, variants.values(), strict=True):
            pred = predicted(result.mentions, result.documents, gazetteer, **options)
            recall, pairs, missed = judged_recall(named_j, pred)
            row["R named (spaCy-judged)"] = recall
            if not options:
                judged_misses = missed
                print(f"countries named as countries (spaCy-judged): {pairs:,} pairs")
                print("missed (story, country, title):", missed_examples(judged, named_j, pred))
    if full_stories:
        sample = frame.sample(n=min(full_stories, len(frame)), random_state=0)
        ids = set(sample["doc_id"])
        sub = lambda d: {k: v for k, v in d.items() if k in ids}  # noqa: E731
        gaz_sub = predicted(
            result.mentions[result.mentions["doc_id"].isin(ids)],
            result.documents[result.documents["doc_id"].isin(ids)],
            gazetteer,
        )
        start = time.perf_counter()
        full = extract_entities(
            sample, settings=ExtractionSettings(mode="full"), gazetteer=gazetteer, progress=False
        )
        full_time = time.perf_counter() - start
        full_words = int(sum(len(t.split()) for t in sample["text"]))
        for name, pred in (
            ("gazetteer (sample)", gaz_sub),
            ("spaCy full (sample)", predicted(full.mentions, full.documents, gazetteer)),
        ):
            row = {"run": name, "stories": len(sample)}
            c = _prf(sub(gold), pred, None)
            row.update({f"country {k}": v for k, v in c.items() if k in ("P", "R", "F1")})
            row["country R named"] = _prf(sub(named), pred, None)["R"]
            o = _prf(sub(gold_orgs), pred, org_ids)
            row.update({f"org {k}": v for k, v in o.items() if k in ("P", "R", "F1")})
            row["EC R"] = _prf(
                {d: v & {"org:ec"} for d, v in sub(gold_orgs).items()}, pred, {"org:ec"}
            )["R"]
            table.append(row)
        print(
            f"full mode on {len(sample)} stories: {full_time:.1f} s ({full_words / full_time:,.0f} words/s)"
        )
    with pd.option_context(
        "display.width", 200, "display.max_columns", 20, "display.float_format", "{:.3f}".format
    ):
        print(pd.DataFrame(table).to_string(index=False))
    print(
        "look-alike false positives (gazetteer mode, all stories):",
        dict(looks),
        "total",
        sum(looks.values()),
    )
    miss, false = _misses(frame, gold, base_pred, named)
    print("ten most common misses of named countries:", miss.most_common(10))
    if judged_stories:
        print("ten most common misses (spaCy-judged):", judged_misses.most_common(10))
    print("ten most common false positive countries:", false.most_common(10))
    omiss, ofalse = _misses(frame, gold_orgs, base_pred, None, keep=org_ids)
    print("ten most common missed organisations:", omiss.most_common(10))
    print("ten most common false positive organisations:", ofalse.most_common(10))
    fp_surface: Counter = Counter()
    rows = result.mentions[result.mentions["entity_id"].str.startswith("country:")]
    for d, s, e in zip(rows["doc_id"], rows["surface"], rows["entity_id"], strict=True):
        if e not in gold[d]:
            fp_surface[f"{s} -> {e}"] += 1
    print("ten most common false positive surfaces:", fp_surface.most_common(10))


#: Ukrainian and Russian places named in each press corpus (capitalised words after "in",
#: "near", "of", ... or before "region"/"oblast", seen at least 3 times in the Kremlin releases and
#: the US statements; marked by a reviewer). The Kremlin list was used to tune the editable tables,
#: the US list was written afterwards and not tuned on.
PLACE_NAMES: dict[str, tuple[str, ...]] = {
    "kremlin": (
        *tuple(
            [
                "Kyiv",
                "Mariupol",
                "Donbas",
                "Moscow",
                "Kharkiv",
                "Donbass",
                "Crimea",
                "Donetsk",
                "Bucha",
                "Zaporizhzhia",
                "Luhansk",
                "Sumy",
                "Kherson",
                "Sevastopol",
                "Odesa",
                "Kiev",
                "Mykolaiv",
                "Lugansk",
                "Chernihiv",
                "Sochi",
                "Borodyanka",
                "Azovstal",
                "Berdyansk",
                "Melitopol",
                "Lviv",
                "Siberia",
                "Poltava",
                "Zhytomyr",
                "Severodonetsk",
                "Kaliningrad",
                "Irpin",
                "Volnovakha",
                "Brovary",
                "Vladivostok",
                "Tatarstan",
                "Novosibirsk",
                "Tula",
                "Astrakhan",
                "Orenburg",
                "Buryatia",
                "Lysychansk",
                "Hostomel",
                "Chelyabinsk",
                "Khabarovsk",
                "Enerhodar",
                "Dnipro",
                "Murmansk",
                "Kemerovo",
                "Yekaterinburg",
                "Uzhhorod",
                "Irkutsk",
                "Daghestan",
                "Kharkov",
                "Kuzbass",
                "Dnipropetrovsk",
                "Izyum",
                "Popasna",
                "Konotop",
                "Slovyansk",
                "Ufa",
                "Kramatorsk",
                "Dagestan",
                "Vinnytsia",
                "Rivne",
                "Zakarpattia",
                "Chornobyl",
                "Makariv",
                "Volgograd",
                "Yakutia",
                "Perm",
            ]
        ),
        "St Petersburg",
        "Bila Tserkva",
        "Nizhny Novgorod",
        "Babyn Yar",
        "Vostochny Cosmodrome",
    ),
    "usgov": (
        "Kyiv",
        "Moscow",
        "Crimea",
        "Chechnya",
        "Donbas",
        "Kharkiv",
        "Bucha",
        "Saint Petersburg",
        "Vladivostok",
        "Kherson",
        "Sevastopol",
        "Mariupol",
        "Luhansk",
        "Donetsk",
        "Zaporizhzhia",
        "Odesa",
        "Lviv",
    ),
}


def press_frames() -> dict[str, pd.DataFrame]:
    """The Kremlin and Zelenskyy releases, and the US government statements (doc_id, text, date)."""
    root = data_dir()
    kremlin = pd.concat(
        [
            pd.read_csv(root / "kremlin-ukraine-press-2021-2022" / name)
            for name in ("kremlin_putin.csv", "president_ua_zelenskyy.csv")
        ],
        ignore_index=True,
    )
    usgov = pd.read_excel(root / "usgov-ukraine-2022" / "Government_Data.xlsx")
    return {
        "kremlin": pd.DataFrame(
            {
                "doc_id": [f"k{i}" for i in range(len(kremlin))],
                "text": kremlin["body"].fillna("").astype(str),
                "published": pd.to_datetime(kremlin["date"], errors="coerce", utc=True),
            }
        ),
        "usgov": pd.DataFrame(
            {
                "doc_id": [f"u{i}" for i in range(len(usgov))],
                "text": usgov["article"].fillna("").astype(str),
                "published": pd.to_datetime(usgov["date"], errors="coerce", utc=True),
            }
        ),
    }


def place_recall(
    frame: pd.DataFrame, names: tuple[str, ...], gazetteer: Gazetteer
) -> tuple[pd.DataFrame, float]:
    """Per name: occurrences and the share inside a mention of a place entity (not a country; a
    capital read as its government, "Moscow said", counts as recognised)."""
    result = extract_entities(frame, gazetteer=gazetteer, progress=False)
    mentions = result.mentions
    places = mentions[(mentions["type"] == "place") | (mentions["method"] == "capital")]
    spans: dict[str, list[tuple[int, int]]] = {}
    for d, a, b in zip(places["doc_id"], places["start"], places["end"], strict=True):
        spans.setdefault(d, []).append((a, b))
    rows = []
    for name in names:
        pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
        n = hit = 0
        for d, text in zip(frame["doc_id"], frame["text"], strict=True):
            for m in pattern.finditer(text):
                n += 1
                hit += any(a <= m.start() < b for a, b in spans.get(d, ()))
        rows.append({"name": name, "occurrences": n, "as place": hit})
    table = pd.DataFrame(rows)
    total = table["occurrences"].sum()
    return table, float(table["as place"].sum() / total) if total else 0.0


def places_report() -> None:
    """Print the share of place-name occurrences recognised as place entities, per corpus."""
    gazetteer = build_gazetteer()
    for corpus, frame in press_frames().items():
        table, share = place_recall(frame, PLACE_NAMES[corpus], gazetteer)
        names_found = float((table["as place"] >= 0.9 * table["occurrences"]).mean())
        role = "tuned on" if corpus == "kremlin" else "held out"
        print(
            f"\nplaces, {corpus} ({role}): {share:.3f} of {table['occurrences'].sum():,} "
            f"occurrences of {len(table)} names recognised as places; {names_found:.3f} of names "
            "recognised at >= 90% of their occurrences"
        )
        missed = table.assign(missed=table["occurrences"] - table["as place"])
        print(
            "most missed:",
            missed.sort_values("missed", ascending=False)
            .head(10)[["name", "occurrences", "as place"]]
            .values.tolist(),
        )
