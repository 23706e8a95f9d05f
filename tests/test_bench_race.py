"""The race of the topic benchmark (default engine vs tomotopy), on hand-made curves."""

from __future__ import annotations

import json

from benchmarks.bench_topics import mean_curve, race, time_to_reach


def test_time_to_reach_takes_the_first_point_at_or_above() -> None:
    curve = [(2.0, 0.01), (4.0, 0.03), (6.0, 0.02), (8.0, 0.05)]
    assert time_to_reach(curve, 0.03) == 4.0
    assert time_to_reach(curve, 0.04) == 8.0
    assert time_to_reach(curve, 0.06) is None


def test_mean_curve_averages_times_and_values_per_checkpoint() -> None:
    fits = [
        {"curve": [(2.0, 0.010), (4.0, 0.030), (6.0, 0.040)]},
        {"curve": [(4.0, 0.020), (6.0, 0.050)]},  # shorter: the mean stops at two checkpoints
        {"error": "crashed"},
    ]
    assert mean_curve(fits) == {"curve": [(3.0, 0.015), (5.0, 0.04)]}
    assert mean_curve([{"error": "x"}]) == {"error": "no curve"}


def test_race_compares_every_checkpoint_and_judges_the_last() -> None:
    default = {"curve": [(5.0, 0.02), (10.0, 0.04), (15.0, 0.045)]}
    tomotopy = {"curve": [(8.0, 0.03), (20.0, 0.05)]}
    result = race(default, tomotopy)
    assert [(p["default_s"], p["default_faster"]) for p in result["points"]] == [
        (10.0, False),
        (None, False),
    ]
    assert result["target_met"] is False
    faster = race({"curve": [(1.0, 0.03), (2.0, 0.06)]}, tomotopy)
    assert faster["target_met"] is True
    json.dumps(race(mean_curve([default, default]), mean_curve([tomotopy, tomotopy])))
    assert race({"error": "x"}, tomotopy)["race"] == "missing curve"


def test_labelled_summary_and_target() -> None:
    from benchmarks.bench_topics import summarize_labelled

    def fit(engine: str, seed: int, nmi: float, ari: float, **extra: object) -> dict:
        return {"part": "choose", "engine": engine, "seed": seed, "fit_s": 1.0, "fit_cpu_s": 1.0,
                "peak_mb": 10.0, "c_npmi": 0.05, "nmi": nmi, "ari": ari, **extra}  # fmt: skip

    fits = [
        fit("default", 0, 0.5, 0.4),
        fit("default", 1, 0.7, 0.6),
        fit("tomotopy-1000", 0, 0.5, 0.4, same_fit_as="default"),
        fit("tomotopy-1000", 1, 0.7, 0.6, same_fit_as="default"),
        fit("sklearn-lda", 0, 0.55, 0.3),
        fit("sklearn-lda", 1, 0.55, 0.8),
        {"error": "boom"},
    ]
    rows = summarize_labelled(fits)
    table = {r["engine"]: r for r in rows if "engine" in r}
    assert table["default"]["nmi"] == 0.6 and table["default"]["nmi_range"] == [0.5, 0.7]
    assert table["tomotopy-1000"]["same_fit_as"] == "default"
    targets = {r["target"]: r for r in rows if "target" in r}
    nmi, ari = (
        targets["default mean nmi >= best peer's"],
        targets["default mean ari >= best peer's"],
    )
    assert nmi["best_peer"] == "sklearn-lda" and nmi["met"]  # 0.6 >= 0.55
    assert ari["best_peer"] == "sklearn-lda" and not ari["met"]  # 0.5 < 0.55
