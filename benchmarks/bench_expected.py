"""Benchmark: the point forecast as expected demand (issue 17) -- bias of totals, MASE, sMAPE.

On each data set the last 56 days are hidden; every model is fitted once on the rest.
The first 28 hidden days score the 28-day forecast; all 56 score the LSTM's long-horizon
block feeding (two blocks of 28: what is written back into the lookback between them).
Per model and point column, pooled over the products: the bias of the 28-day totals
(sum of the point forecast / sum of the actuals - 1), then the mean daily MASE (season 7)
and sMAPE of :func:`core.forecast.evaluate` with that column as ``forecast``.

LSTM point columns, all from the same fitted network:

- ``median``: the 0.5 quantile, the ``forecast`` column before issue 17;
- ``qmean``: the mean of the quantile function (option a, what an old saved network gets);
- ``mean``: the mean head (option b, the ``forecast`` column now).

``--old-network`` also trains the network of before issue 17 (no mean head, pinball loss
only) with the same seed, to check that the head costs the quantiles nothing.

    python -m benchmarks.bench_expected [--sets sample,m5] [--seeds 0] [--old-network]
                                        [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_intermittent import DEFAULT_CALENDAR, DEFAULT_SALES, load_m5  # noqa: E402
from core import lazy  # noqa: E402
from core.data import ImportOptions, clean, load_dataset, model_frames  # noqa: E402
from core.forecast import evaluate, make_model  # noqa: E402
from core.forecast.models import QUANTILES, predict_blocks  # noqa: E402
from core.sample import SAMPLE_PATH  # noqa: E402

HIDDEN, BLOCK = 56, 28
_Q = len(QUANTILES)


def sample_set() -> pd.DataFrame:
    """The bundled sample shop's active products, as the app imports and aligns them."""
    dataset = clean(load_dataset(SAMPLE_PATH, ImportOptions())).dataset
    return model_frames(dataset).frame


def m5_set() -> pd.DataFrame:
    """Ten real, intermittent M5 item-store series (see bench_intermittent)."""
    frame = load_m5(DEFAULT_SALES, DEFAULT_CALENDAR)
    return frame.assign(unique_id=frame["unique_id"].str.removesuffix("_validation"))


SETS = {"sample": sample_set, "m5": m5_set}


def split(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    dates = frame["ds"].drop_duplicates().sort_values()
    cutoff = dates.iloc[-HIDDEN - 1]
    return frame[frame["ds"] <= cutoff], frame[frame["ds"] > cutoff][["unique_id", "ds", "y"]]


def score(fc: pd.DataFrame, point: str, hidden, history, days: int) -> dict:
    """Bias of the ``days``-day totals and mean daily MASE / sMAPE of column ``point``."""
    first = hidden["ds"].drop_duplicates().sort_values().iloc[:days]
    actual = hidden[hidden["ds"].isin(first)]
    rows = fc[fc["ds"].isin(first)].assign(forecast=fc[point])
    both = rows.merge(actual, on=["unique_id", "ds"])
    per = evaluate(rows[["unique_id", "ds", "forecast"]], actual, history, season=7, levels=())
    return {"bias_total": float(both["forecast"].sum() / both["y"].sum() - 1),
            "mase": float(per["mase"].mean()), "smape": float(per["smape"].mean())}  # fmt: skip


def lstm_variants(model, horizon: int) -> dict[str, pd.DataFrame]:
    """``{"median"|"qmean"|"mean": forecast}`` for ``horizon`` periods (feeding the mean),
    plus ``"median fed"``: the mean head's forecast with the median fed back instead."""
    fc = model.predict(horizon, levels=(80,))
    out = {"median": fc.assign(forecast=fc["median"]), "mean": fc}
    own = model.predict_quantiles
    model.predict_quantiles = lambda *a: own(*a)[..., :_Q]  # as an old network: option (a)
    out["qmean"] = model.predict(horizon, levels=(80,))
    model.predict_quantiles = lambda panel, known, h: predict_blocks(
        model.model_, panel, known, h, model.horizon_, feed="median")  # fmt: skip
    out["median fed"] = model.predict(horizon, levels=(80,))
    model.predict_quantiles = own
    return out


def fit_lstm(history: pd.DataFrame, seed: int, old: bool):
    """The LSTM fitted on ``history``; ``old``: the network of before issue 17 (no mean
    head, pinball loss only)."""
    net = lazy.load("core.forecast.models.lstm_net")
    build = net.build_network
    if old:
        net.build_network = lambda **kw: build(**{**kw, "mean_head": False})
    try:
        return make_model("lstm", random_state=seed).fit(history, "D")
    finally:
        net.build_network = build


def run_set(name: str, seeds: list[int], old: bool) -> list[dict]:
    frame = SETS[name]()
    history, hidden = split(frame)
    rows = []

    def add(model_name, seed, fc_by_point, seconds):
        for point, fc in fc_by_point.items():
            days = HIDDEN if point in ("median fed", "mean fed") else BLOCK
            rows.append({"set": name, "model": model_name, "seed": seed, "point": point,
                         "days": days, "seconds": seconds,
                         **score(fc, "forecast", hidden, history, days)})  # fmt: skip

    for base in ("ets", "croston"):
        started = time.perf_counter()
        fc = make_model(base).fit(history, "D").predict(BLOCK, levels=(80,))
        add(base, None, {"mean": fc, "median": fc.assign(forecast=fc["median"])},
            time.perf_counter() - started)  # fmt: skip
        print(f"  {name} {base}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    for seed in seeds:
        for label in ("lstm", *(["lstm (old network)"] if old else [])):
            started = time.perf_counter()
            model = fit_lstm(history, seed, old=label != "lstm")
            seconds = time.perf_counter() - started
            short = lstm_variants(model, BLOCK)
            long = lstm_variants(model, HIDDEN)
            add(label, seed, {k: short[k] for k in ("median", "qmean", "mean")}, seconds)
            add(label, seed, {"mean fed": long["mean"], "median fed": long["median fed"]},
                seconds)  # fmt: skip
            print(f"  {name} {label} seed {seed}: {seconds:.1f} s, best epoch "
                  f"{model.best_epoch_}", file=sys.stderr)  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="sample,m5")
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--old-network", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",") if s]
    rows = []
    for name in [s for s in args.sets.split(",") if s]:
        rows += run_set(name, seeds, args.old_network)
    table = pd.DataFrame(rows)
    cols = ["bias_total", "mase", "smape", "seconds"]
    summary = table.groupby(["set", "model", "point", "days"], sort=False)[cols].mean()
    print("| set | model | point | days | bias of totals | MASE | sMAPE | fit (s) |")
    print("|---|---|---|---|---|---|---|---|")
    for (s, m, p, d), r in summary.iterrows():
        print(f"| {s} | {m} | {p} | {d} | {r['bias_total']:+.3f} | {r['mase']:.3f} | "
              f"{r['smape']:.2f} | {r['seconds']:.0f} |")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, default=float))


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
