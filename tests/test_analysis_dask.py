"""Dask scale-out: scores, top k and Monte Carlo identical to the local path, whatever
the partitioning (LocalCluster with threads, to keep CI fast)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import emulation_rules as er
from emulation_rules.analysis import Noise, monte_carlo, score_dask, top_k

pd = pytest.importorskip("pandas")
dd = pytest.importorskip("dask.dataframe")
dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    cluster = distributed.LocalCluster(
        processes=False, n_workers=2, threads_per_worker=1, dashboard_address=":0"
    )
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def card() -> er.Scorecard:
    return er.Scorecard(
        [
            er.Criterion("a", 25, scale=er.Sum()),
            er.Criterion("b", 25, scale=er.ZScore(spread=2), lower_is_better=True),
            er.Criterion("c", 20, scale=er.Vector(), missing="zero"),
            er.Criterion("d", 20, scale=er.MinMax()),
            er.Criterion("e", 10, scale=er.Linear(0, 100)),
            er.Bonus("bonus_items", 0.25, cap=1),
        ],
        resolution=0.01,
    )


def frame(n: int, seed: int) -> object:
    rng = np.random.default_rng(seed)
    c = rng.random(n) * 1e3
    c[rng.random(n) < 0.2] = np.nan
    return pd.DataFrame(
        {
            "unit": [f"u{i}" for i in range(n)],
            # Decimals with long binary expansions: float sums differ with the order.
            "a": np.round(rng.random(n) * 100, 2),
            "b": np.round(rng.normal(50, 10, n), 3),
            "c": c,
            "d": rng.integers(0, 5, n).astype(float),
            "e": rng.random(n) * 100,
            "bonus_items": rng.integers(0, 6, n),
        }
    )


def local_scores(df: object) -> dict[str, list[float]]:
    s = card().score(er.ScoreTable.from_dataframe(df, unit="unit"))
    return {f: s[f].tolist() for f in card().fields}


@settings(max_examples=12, deadline=None)
@given(st.integers(2, 40), st.integers(0, 10**6), st.lists(st.integers(1, 39), max_size=5))
def test_scores_identical_for_any_partitioning(n: int, seed: int, cuts: list[int]) -> None:
    df = frame(n, seed)
    divisions = sorted({0, *(c for c in cuts if c < n), n})
    pieces = [df.iloc[a:b] for a, b in itertools.pairwise(divisions)]
    ddf = dd.from_delayed([dask.delayed(p) for p in pieces], meta=df.iloc[:0])
    with dask.config.set(scheduler="sync"):
        got = score_dask(card(), ddf).compute()
    want = local_scores(df)
    assert got["unit"].tolist() == df["unit"].tolist()
    for f, values in want.items():
        assert got[f].tolist() == values, f


def test_scores_on_a_cluster(client: object) -> None:
    df = frame(300, 1)
    got = score_dask(card(), dd.from_pandas(df, npartitions=7)).compute()
    assert got["total"].tolist() == local_scores(df)["total"]


def test_by_rank_is_refused() -> None:
    df = frame(5, 0)
    c = er.Scorecard([er.Criterion("a", 10, scale=er.ByRank([1.0, 0.5]))])
    with pytest.raises(er.RuleError, match=r"criterion 'a' uses ByRank.*global order"):
        score_dask(c, dd.from_pandas(df, npartitions=2))


def test_negative_values_named_by_unit() -> None:
    df = frame(6, 0)
    df.loc[4, "a"] = -1.0
    with dask.config.set(scheduler="sync"), pytest.raises(er.DataError, match="u4"):
        score_dask(card(), dd.from_pandas(df, npartitions=3))


@settings(max_examples=12, deadline=None)
@given(
    st.lists(st.integers(0, 4), min_size=2, max_size=30),
    st.integers(1, 30),
    st.integers(1, 6),
    st.sampled_from(["include", "exclude", er.Lot(seed=3)]),
)
def test_top_k_exact_with_ties_across_borders(
    values: list[int], k: int, parts: int, ties: object
) -> None:
    k = min(k, len(values))
    df = pd.DataFrame({"unit": [f"u{i}" for i in range(len(values))], "x": values})
    ranking = er.Ranking(er.desc("x"))
    want = ranking.top(er.ScoreTable.from_dataframe(df, unit="unit"), k, ties=ties)
    with dask.config.set(scheduler="sync"):
        got = top_k(ranking, dd.from_pandas(df, npartitions=parts), k, ties=ties)
    assert got.selected == want.selected
    assert got.tied_at_cutoff == want.tied_at_cutoff


def test_top_k_chain_refuses_a_tie_at_the_cut_off() -> None:
    df = pd.DataFrame({"unit": list("ABCD"), "x": [3, 2, 2, 1]})
    with dask.config.set(scheduler="sync"), pytest.raises(er.DataError, match="tied"):
        top_k(er.Ranking(er.desc("x")), dd.from_pandas(df, npartitions=2), 2)


def test_monte_carlo_on_a_cluster_is_identical(client: object) -> None:
    rng = np.random.default_rng(5)
    n = 40
    t = er.ScoreTable(
        {"unit": [f"u{i}" for i in range(n)], "x": rng.random(n), "y": rng.random(n) * 10}
    )
    c = er.Scorecard(
        [er.Criterion("x", 60, scale=er.Linear(0, 1)), er.Criterion("y", 40, scale=er.Sum())],
        resolution=0.01,
    )
    ranking = er.Ranking(er.desc("total"), er.desc("x", of="table"), er.Lot(seed=1))
    scheme = er.AwardScheme([er.Award("top", quota=er.Quota(share=0.1), ranking=ranking)])
    kw = {"scenarios": 300, "seed": 11, "chunk": 64, "awards": scheme, "period": 2024}
    noise = Noise(points=2.0, columns={"x": 0.05})
    local = monte_carlo(c, t, ranking, noise, **kw)
    remote = monte_carlo(c, t, ranking, noise, client=client, **kw)
    assert remote == local
    assert local.award_counts["top"].sum() == 300 * 4


def test_keep_carries_columns_and_names_what_is_missing() -> None:
    df = frame(8, 2)
    df["votes"] = np.arange(8)
    ddf = dd.from_pandas(df, npartitions=2)
    with dask.config.set(scheduler="sync"):
        got = score_dask(card(), ddf, keep=["votes"]).compute()
    assert got["votes"].tolist() == list(range(8))
    with pytest.raises(er.DataError, match="no column 'ballots'"):
        score_dask(card(), ddf, keep=["ballots"])
    with pytest.raises(er.DataError, match="name of a field"):
        score_dask(card(), ddf, keep=["bonus_items"])


def test_top_k_refuses_head_to_head() -> None:
    df = pd.DataFrame({"unit": list("AB"), "x": [1, 2]})
    ranking = er.Ranking(er.desc("x"), er.HeadToHead(er.desc("pts")))
    with pytest.raises(er.RuleError, match="HeadToHead"):
        top_k(ranking, dd.from_pandas(df, npartitions=1), 1)
