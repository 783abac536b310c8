"""How ``auto`` picks each product's model from its inner backtest: the group's best
candidate, unless another one beat it on the product in every fold."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from core.forecast import AutoForecaster
from core.forecast.choice import TOTAL, steady_choice


def _folds(table: dict) -> pd.DataFrame:
    """Per-fold rows ``unique_id, model, fold, err_sum, mase`` from
    ``{(uid, model): [miss of fold 0, miss of fold 1]}`` (misses in units, MASE = miss / 10)."""
    rows = [{"unique_id": uid, "model": model, "fold": k, "err_sum": -miss, "mase": miss / 10}
            for (uid, model), misses in table.items() for k, miss in enumerate(misses)]  # fmt: skip
    return pd.DataFrame(rows)


#: Three slow sellers. Croston misses 40 units in all over their folds, TSB 44, ADIDA 60:
#: Croston is the group's best. ``a``: TSB better in both folds; ``b``: TSB better on the
#: mean but in one fold only; ``c``: ADIDA better in one fold, worse on the mean.
MISSES = {
    ("a", "croston"): [8, 8], ("a", "tsb"): [5, 6], ("a", "adida"): [20, 20],
    ("b", "croston"): [4, 10], ("b", "tsb"): [6, 2], ("b", "adida"): [10, 10],
    ("c", "croston"): [5, 5], ("c", "tsb"): [12, 13], ("c", "adida"): [4, 16],
}  # fmt: skip


def _result(per_fold: pd.DataFrame) -> SimpleNamespace:
    board = (per_fold.groupby("model", sort=False)["mase"].mean().sort_values()
             .rename_axis("model").reset_index().assign(folds_ok=2))  # fmt: skip
    series = per_fold.groupby(["unique_id", "model"], as_index=False)["mase"].mean()
    return SimpleNamespace(per_fold=per_fold, per_series=series, leaderboard=board)


def _choose(metric: str) -> pd.DataFrame:
    names = ["croston", "tsb", "adida"]
    result = _result(_folds(MISSES))
    pooled = result.per_fold.pivot_table(
        index="unique_id", columns="model", values="mase" if metric != TOTAL else "err_sum"
    ).abs()
    own = pooled[names].idxmin(axis=1)
    won = pd.DataFrame({"unique_id": own.index, "model": own.to_numpy(),
                        "score": pooled.min(axis=1).to_numpy(), "runner_up": None,
                        "runner_up_score": np.nan, "metric": metric})  # fmt: skip
    return steady_choice(result, names, won, metric).set_index("unique_id")


def test_a_product_leaves_the_groups_best_only_for_a_model_better_in_every_fold():
    for metric in (TOTAL, "mase"):
        out = _choose(metric)
        assert out.loc["a", "model"] == "tsb"  # 5 < 8 and 6 < 8: its own winner stands
        assert out.loc["b", "model"] == "croston", metric  # TSB won the mean (4 vs 7), one fold
        assert out.loc["b", "runner_up"] == "tsb"
        assert out.loc["c", "model"] == "croston"
    # the score is the kept model's own on the product: Croston's mean miss on b, 7 units
    assert _choose(TOTAL).loc["b", "score"] == 7.0
    assert abs(_choose("mase").loc["b", "score"] - 0.7) < 1e-12


def test_steady_false_keeps_each_products_own_winner():
    days = pd.date_range("2025-01-01", periods=200)
    rng = np.random.default_rng(3)
    frame = pd.concat(
        [pd.DataFrame({"unique_id": f"s{i}", "ds": days, "y": rng.poisson(0.4, 200).astype(float)})
         for i in range(12)],
        ignore_index=True,
    )  # fmt: skip
    kinds = {}
    for steady in (True, False):
        model = AutoForecaster(intermittent_candidates=("croston", "tsb", "adida"), steady=steady)
        model.fit(frame, "D")
        kinds[steady] = model.choice_.set_index("unique_id")["model"]
        per = model.backtests_["intermittent"].per_fold
        per = per.assign(off=per["err_sum"].abs()).pivot_table(
            index="unique_id", columns=["model", "fold"], values="off")
        pooled = per.T.groupby(level="model").mean().T
        best = pooled.sum().idxmin()
        for uid, chosen in kinds[steady].items():
            own = pooled.loc[uid].idxmin()
            beat = bool(np.all(per.loc[uid, own].to_numpy() < per.loc[uid, best].to_numpy()))
            if steady:
                assert chosen == (own if beat else best), uid
            else:
                assert chosen == own, uid
    assert (kinds[True] == kinds[True].mode()[0]).sum() >= (kinds[False] == kinds[True].mode()[0]).sum()
