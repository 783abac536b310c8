"""Benchmark: SkuCast's models next to the peers a data-savvy seller would use, in one run.

Issue 17, items 3 and 5. On each data set, on the same machine, one after the other and
each in a fresh Python process (as :mod:`benchmarks.bench_accuracy` runs its models):

* SkuCast: ``lstm``, ``lgbm``, ``ets``, ``snaive`` and ``auto``, built as the app builds
  them (:class:`core.forecast.TrainSettings` ``.factory``, so the same defaults as the
  Train view and the CLI), fitted at the data's frequency;
* peers: statsforecast's ``AutoETS`` and ``SeasonalNaive`` (season 52 on weekly data,
  7 on daily), and Nixtla mlforecast's global LightGBM (``mlf_lgbm``: 500 trees, lags,
  rolling means of lags and date features after the pattern of mlforecast's README
  example; conformal 80 % intervals from two windows).

Data sets:

* ``store-item-weekly``: the Kaggle store-item file (500 series) summed to weeks ending on
  Sunday (``W-SUN``), incomplete weeks at the edges dropped; the last 13 weeks held out;
* ``sample-weekly``: the bundled sample shop's active products, imported as the app does
  (:func:`benchmarks.bench_accuracy.load_sample`), summed to weeks the same way (sales
  only: no prices or promotions); the last 8 weeks held out;
* ``store-item-daily``: the daily file, the last 90 days held out (the daily peer's lags
  1, 2, 7, 14, 28).
* ``giftshop-daily``: a generated UK gift shop (:mod:`benchmarks.giftshop_bed`, 600
  products, mostly intermittent, a Christmas peak), the 28 days of the Christmas run-up
  held out, with the GB calendar; ``giftshop-daily-cn`` the same with the CN calendar;
  ``giftshop-daily-tune`` another draw of the shop (seed 1) to tune on.
* ``store-item-weekly-small``: a small weekly shop, 30 of the store-item series (every
  17th) over their last 100 weeks, the last 13 held out (a few thousand LSTM windows, as
  in a small shop's weekly export).
* ``m5``: the ten real, sparse M5 item-store series of :mod:`benchmarks.bench_intermittent`,
  the last 28 days held out; scored by RMSSE too (M5's metric: lag-1 scale).

``--exclude-last N`` first drops the last ``N`` periods of the data set, so that tuning can
score on the periods just before the real holdout without ever seeing it.

Metrics per model: MASE (the data's season, scaled on the training part), sMAPE (percent,
0..200), the bias of the horizon totals (sum of the forecasts over the horizon and over
all series against the same sum of actuals, percent), the pooled error of the horizon
totals (``sum |F_total - A_total| / sum A_total`` over series), the coverage of the 80 %
band and the seconds of fit + predict; RMSSE (lag-1 scale, the mean over series) beside them. Prints one Markdown table per data set.
``--models oracle`` adds a floor, not a forecast (:func:`fit_oracle`).

    python -m benchmarks.bench_peers [--data store-item-weekly,sample-weekly]
        [--models lstm,lgbm,ets,snaive,auto,sf_autoets,sf_snaive,mlf_lgbm] [--runs 1]
        [--exclude-last 0] [--params '{"lstm": {"lookback": 64}}'] [--json OUT]

Needs the ``bench`` extra (``pip install -e .[bench]``: mlforecast) for ``mlf_lgbm``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.bench_accuracy import (
    DEFAULT_FILE,
    ROOT,
    load_sample,
    load_store_item,
    split_last,
)
from benchmarks.giftshop_bed import giftshop

LEVEL = 80
GIFTSHOP_PRODUCTS = 600
SKUCAST = ("lstm", "lgbm", "ets", "snaive", "auto")
PEERS = ("sf_autoets", "sf_snaive", "mlf_lgbm")
#: Not a forecast: the held-out actuals fitted as series level x week effect (a floor).
ORACLE = "oracle"
#: Models with a seed: run ``--runs`` times.
STOCHASTIC = {"lstm", "gru"}


@dataclass(frozen=True)
class DataSpec:
    """A data set of the benchmark: its frequency, holdout, season and holiday region."""

    freq: str
    holdout: int
    season: int
    region: str


DATA = {
    "store-item-weekly": DataSpec("W-SUN", 13, 52, "US"),
    "sample-weekly": DataSpec("W-SUN", 8, 52, "CN"),
    "store-item-daily": DataSpec("D", 90, 7, "US"),
    # a generated UK gift shop, the Christmas run-up held out (benchmarks.giftshop_bed);
    # "-cn" reads it with the CN calendar, what the CLI used for any file before GB existed
    "giftshop-daily": DataSpec("D", 28, 7, "GB"),
    "giftshop-daily-cn": DataSpec("D", 28, 7, "CN"),
    # another draw of the same shop (seed 1): for tuning, so that the seed-0 shop stays held out
    "giftshop-daily-tune": DataSpec("D", 28, 7, "GB"),
    # a small weekly shop: 30 store-item series (every 17th), their last 100 weeks
    "store-item-weekly-small": DataSpec("W-SUN", 13, 52, "US"),
    # the ten real M5 item-store series (benchmarks.bench_intermittent), the last 28 days
    "m5": DataSpec("D", 28, 7, "US"),
}
#: Series and weeks of ``store-item-weekly-small``.
SMALL_SHOP = (30, 100)


def to_weeks(frame: pd.DataFrame, freq: str = "W-SUN") -> pd.DataFrame:
    """Daily sales summed to weeks ending on the ``freq`` anchor; each series' weeks with
    fewer than 7 days at its start or end are dropped (a partial week reads as a slump).

    Static columns (``category``, ``brand``) are carried over; prices, promotions and
    stock are not.
    """
    week = frame["ds"].dt.to_period(freq).dt.end_time.dt.normalize()
    grouped = frame.assign(ds=week).groupby(["unique_id", "ds"], sort=True)
    out = grouped.agg(y=("y", "sum"), days=("y", "size")).reset_index()
    full = out["days"].to_numpy() == 7
    series = out.groupby("unique_id", sort=False)
    rank = series.cumcount().to_numpy()
    # first and last full week of each series: keep what lies between them
    first = pd.Series(np.where(full, rank, np.iinfo(np.int64).max)).groupby(out["unique_id"])
    last = pd.Series(np.where(full, rank, -1)).groupby(out["unique_id"])
    keep = (rank >= first.transform("min").to_numpy()) & (rank <= last.transform("max").to_numpy())
    out = out.loc[keep, ["unique_id", "ds", "y"]].reset_index(drop=True)
    statics = [c for c in ("category", "brand") if c in frame.columns]
    if statics:
        table_ = frame.groupby("unique_id", sort=True)[statics].first()
        out = out.join(table_, on="unique_id")
    return out


def load(data: str, path: Path) -> pd.DataFrame:
    """The frame of data set ``data`` (see module doc)."""
    if data == "m5":
        from benchmarks.bench_intermittent import DEFAULT_CALENDAR, DEFAULT_SALES, load_m5

        for need in (DEFAULT_SALES, DEFAULT_CALENDAR):
            if not need.is_file():
                sys.exit(f"benchmark data not found: {need}")
        return load_m5(DEFAULT_SALES, DEFAULT_CALENDAR)
    if data == "sample-weekly":
        return to_weeks(load_sample())
    if data.startswith("giftshop"):
        return giftshop(GIFTSHOP_PRODUCTS, seed=1 if data.endswith("-tune") else 0)
    daily = load_store_item(path)
    if data == "store-item-daily":
        return daily
    weeks = to_weeks(daily)
    if data == "store-item-weekly-small":
        ids = sorted(weeks["unique_id"].unique())[::17][: SMALL_SHOP[0]]
        dates = np.sort(weeks["ds"].unique())[-SMALL_SHOP[1] :]
        weeks = weeks[weeks["unique_id"].isin(ids) & weeks["ds"].isin(dates)]
        weeks = weeks.reset_index(drop=True)
    return weeks


def horizon_totals(forecast: pd.DataFrame, holdout: pd.DataFrame) -> dict:
    """Bias (%) and pooled error of each series' horizon total, over the scored rows."""
    joined = forecast[["unique_id", "ds", "forecast"]].merge(
        holdout[["unique_id", "ds", "y"]], on=["unique_id", "ds"], how="inner"
    )
    totals = joined.groupby("unique_id")[["forecast", "y"]].sum()
    actual = float(totals["y"].sum())
    diff = totals["forecast"] - totals["y"]
    return {
        "total_bias_pct": 100.0 * float(diff.sum()) / actual,
        "total_error": float(diff.abs().sum()) / actual,
    }


def skucast_model(name: str, spec: DataSpec, seed: int, params: dict):
    """A fresh SkuCast model ``name`` from the app's own factory (``TrainSettings``)."""
    from core.forecast import TrainSettings

    extra = dict(params.get(name, {})) if name in ("lstm", "gru", "lgbm") else {}
    if params.get("ets"):  # ETS's own arguments, also where auto and the ensemble build it
        own_stat = TrainSettings.stat_params
        TrainSettings.stat_params = lambda self, n: {
            **own_stat(self, n), **(params["ets"] if n == "ets" else {})}  # fmt: skip
    settings = TrainSettings(model=name, horizon=spec.holdout, region=spec.region,
                             random_state=seed, extra=extra)  # fmt: skip
    # auto's own settings (its candidates, folds) for tuning runs: --params '{"auto": {...}}'
    own = dict(params.get("auto", {})) if name == "auto" else {}
    return settings.factory(name, spec.freq)(**own)


def fit_skucast(name, spec, seed, params, history) -> tuple[pd.DataFrame, dict]:
    """Fit SkuCast's ``name`` and forecast the holdout (``forecast``, ``lo_80``, ``hi_80``);
    also the deep model's epochs (run and best)."""
    model = skucast_model(name, spec, seed, params)
    model.fit(history, spec.freq)
    info = {}
    if hasattr(model, "best_epoch_"):
        info = {"best_epoch": model.best_epoch_, "epochs_run": len(model.history_log_)}
    return model.predict(spec.holdout, levels=(LEVEL,)), info


def fit_statsforecast(name, spec, history) -> pd.DataFrame:
    """statsforecast's ``AutoETS`` or ``SeasonalNaive`` as a user would call it; where it
    gives no forecast (a series shorter than the season) the naive one fills in."""
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, Naive, SeasonalNaive

    model = (AutoETS if name == "sf_autoets" else SeasonalNaive)(season_length=spec.season)
    sf = StatsForecast(models=[model, Naive()], freq=spec.freq, n_jobs=1, fallback_model=Naive())
    out = sf.forecast(df=history[["unique_id", "ds", "y"]], h=spec.holdout, level=[LEVEL])
    out = out.reset_index(drop="unique_id" in out.columns)
    col = type(model).__name__
    renamed = {}
    for suffix, target in (("", "forecast"), (f"-lo-{LEVEL}", f"lo_{LEVEL}"),
                           (f"-hi-{LEVEL}", f"hi_{LEVEL}")):  # fmt: skip
        renamed[target] = out[col + suffix].fillna(out["Naive" + suffix])
    return pd.DataFrame({"unique_id": out["unique_id"], "ds": out["ds"], **renamed})


def mlforecast_setup(spec: DataSpec) -> dict:
    """mlforecast's arguments: lags, rolling means of lags and date features per frequency
    (daily: the issue's store-item peer; weekly: the same read in weeks)."""
    from mlforecast.lag_transforms import ExpandingMean, RollingMean

    if spec.freq == "D":
        return {"lags": [1, 2, 7, 14, 28],
                "lag_transforms": {1: [ExpandingMean(), RollingMean(7), RollingMean(28)],
                                   7: [RollingMean(7), RollingMean(28)]},
                "date_features": ["dayofweek", "month", "dayofyear"]}  # fmt: skip
    return {"lags": [1, 2, 4, 13, 52],
            "lag_transforms": {1: [ExpandingMean(), RollingMean(4), RollingMean(13)],
                               52: [RollingMean(4)]},
            "date_features": ["week", "month", "quarter"]}  # fmt: skip


def fit_mlforecast(spec: DataSpec, seed: int, history) -> pd.DataFrame:
    """Nixtla mlforecast's global LightGBM, 500 trees, conformal 80 % band (2 windows).

    Trained on the series long enough for its conformal windows; the others (only in the
    sample shop) are forecast by the same model, without a band.
    """
    import lightgbm as lgb
    from mlforecast import MLForecast
    from mlforecast.utils import PredictionIntervals

    setup = mlforecast_setup(spec)
    regressor = lgb.LGBMRegressor(n_estimators=500, random_state=seed, verbosity=-1)
    fcst = MLForecast(models={"lgbm": regressor}, freq=spec.freq, **setup)
    frame = history[["unique_id", "ds", "y"]]
    reach = max(
        [
            *setup["lags"],
            *(
                lag + getattr(t, "window_size", 1) - 1
                for lag, ts in setup["lag_transforms"].items()
                for t in ts
            ),
        ]
    )
    counts = frame.groupby("unique_id")["y"].transform("size")
    long = counts >= reach + spec.holdout + 3
    fcst.fit(frame[long], prediction_intervals=PredictionIntervals(n_windows=2, h=spec.holdout))
    parts = [fcst.predict(spec.holdout, level=[LEVEL])]
    if not long.all():
        parts.append(fcst.predict(spec.holdout, new_df=frame[~long]))
    out = pd.concat(parts, ignore_index=True)
    return out.rename(columns={"lgbm": "forecast", f"lgbm-lo-{LEVEL}": f"lo_{LEVEL}",
                               f"lgbm-hi-{LEVEL}": f"hi_{LEVEL}"})  # fmt: skip


def fit_oracle(holdout: pd.DataFrame) -> pd.DataFrame:
    """What no forecast can beat by much: each held-out value fitted, knowing the held-out
    actuals, as its series' level times the week's common effect (``row sum x column sum
    / total``); what is left is the noise around that shape. No band (``lo = hi``)."""
    table_ = holdout.pivot(index="unique_id", columns="ds", values="y")
    fit = np.outer(table_.sum(axis=1), table_.sum(axis=0)) / np.nansum(table_.to_numpy())
    out = pd.DataFrame(fit, index=table_.index, columns=table_.columns).stack()
    out = out.rename("forecast").reset_index()
    return out.assign(**{f"lo_{LEVEL}": out["forecast"], f"hi_{LEVEL}": out["forecast"]})


def score_one(path: Path, data: str, name: str, seed: int, exclude: int, params: dict) -> dict:
    """Fit ``name`` on data set ``data`` and score its holdout (runs in the child)."""
    sys.path.insert(0, str(ROOT))
    from core.forecast import evaluate, summarize

    spec = DATA[data]
    frame = load(data, path)
    if exclude:
        frame = split_last(frame, exclude)[0]
    history, holdout = split_last(frame, spec.holdout)
    started, info = time.perf_counter(), {}
    if name == ORACLE:
        fc = fit_oracle(holdout)
    elif name in PEERS:
        fc = (fit_mlforecast(spec, seed, history) if name == "mlf_lgbm"
              else fit_statsforecast(name, spec, history))  # fmt: skip
    else:
        fc, info = fit_skucast(name, spec, seed, params, history)
    seconds = time.perf_counter() - started
    fc = fc.assign(ds=pd.to_datetime(fc["ds"]), unique_id=fc["unique_id"].astype(str))
    summary = summarize(evaluate(fc, holdout, history, season=spec.season, levels=(LEVEL,)))
    return {
        "data": data, "model": name, "seed": seed if name in STOCHASTIC else None,
        "peer": name in PEERS, "seconds": seconds, "mase": summary["mase"],
        "smape": summary["smape"], "rmsse": summary["rmsse"], **horizon_totals(fc, holdout),
        "coverage_80": summary[f"coverage_{LEVEL}"], "n_series": summary["n_series"],
        "history_end": str(history["ds"].max().date()),
        "holdout": f"{holdout['ds'].min().date()}..{holdout['ds'].max().date()}", **info,
    }  # fmt: skip


def run_child(path: Path, data: str, name: str, seed: int, exclude: int, params: str) -> dict:
    """Run :func:`score_one` in a fresh interpreter and return its JSON row."""
    cmd = [sys.executable, "-m", "benchmarks.bench_peers", "--file", str(path), "--params",
           params, "--exclude-last", str(exclude), "--child", f"{data}:{name}:{seed}"]  # fmt: skip
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        tail = "\n".join(out.stderr.strip().splitlines()[-5:])
        return {
            "data": data,
            "model": name,
            "seed": seed,
            "error": tail or f"exit {out.returncode}",
        }
    return json.loads(out.stdout.strip().splitlines()[-1])


def _cell(values: list[float], fmt: str) -> str:
    values = [v for v in values if v is not None and np.isfinite(v)]
    if not values:
        return "–"
    if len(values) == 1:
        return format(values[0], fmt)
    return f"{format(float(np.median(values)), fmt)} ({format(min(values), fmt)}–{format(max(values), fmt)})"


def peer_table(rows: list[dict], season: int) -> str:
    """Markdown table of one data set: median (min–max) over a model's runs."""
    lines = [
        f"| model | runs | MASE (s={season}) | RMSSE | sMAPE (%) | bias of totals (%) "
        "| error of totals | coverage 80 % | fit + predict (s) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name in dict.fromkeys(r["model"] for r in rows):
        ok = [r for r in rows if r["model"] == name and "error" not in r]
        label = f"peer: {name}" if name in PEERS else f"SkuCast {name}"
        label = "oracle: level x week fitted on the actuals" if name == ORACLE else label
        if not ok:
            lines.append(f"| {label} | 0 | failed | | | | | | |")
            continue
        cells = [_cell([r.get(k, np.nan) for r in ok], f) for k, f in (
            ("mase", ".3f"), ("rmsse", ".3f"), ("smape", ".2f"), ("total_bias_pct", "+.1f"),
            ("total_error", ".3f"), ("coverage_80", ".3f"), ("seconds", ".0f"))]  # fmt: skip
        lines.append(f"| {label} | {len(ok)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def verdict(rows: list[dict]) -> str:
    """Issue 17's weekly goals on one data set, in words."""
    best = {}
    for r in rows:
        if "error" not in r and np.isfinite(r["mase"]):
            best.setdefault(r["model"], []).append(r["mase"])
    med = {k: float(np.median(v)) for k, v in best.items()}
    peers = {k: v for k, v in med.items() if k in PEERS}
    ours = {k: v for k, v in med.items() if k not in (*PEERS, ORACLE)}
    parts = []
    if "lstm" in med and "snaive" in med:
        parts.append(f"LSTM / SkuCast snaive MASE {med['lstm'] / med['snaive']:.3f} (goal ≤ 1)")
    if ours and peers:
        o, p = min(ours, key=ours.get), min(peers, key=peers.get)
        parts.append(f"SkuCast best ({o}) / best peer ({p}) MASE {ours[o] / peers[p]:.3f} "
                     "(goal ≤ 0.85)")  # fmt: skip
    return "; ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--data", default="store-item-weekly,sample-weekly")
    parser.add_argument("--models", default=",".join((*SKUCAST, *PEERS)))
    parser.add_argument("--runs", type=int, default=1, help="LSTM seeds 0..runs-1")
    parser.add_argument("--exclude-last", type=int, default=0,
                        help="drop this many last periods first (tuning)")  # fmt: skip
    parser.add_argument(
        "--params",
        default="{}",
        help='JSON: extra arguments per model, e.g. {"lstm": {...}, "ets": {"festivals": false}}',
    )
    parser.add_argument("--json", type=Path, help="also write every run's figures here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        data, name, seed = args.child.split(":")
        row = score_one(
            args.file, data, name, int(seed), args.exclude_last, json.loads(args.params)
        )
        print(json.dumps(row))
        return
    if not args.file.is_file():
        sys.exit(f"benchmark data not found: {args.file}")
    rows = []
    for data in [d for d in args.data.split(",") if d]:
        part = []
        for name in [m for m in args.models.split(",") if m]:
            for seed in range(args.runs) if name in STOCHASTIC else [0]:
                row = run_child(args.file, data, name, seed, args.exclude_last, args.params)
                print(f"  {json.dumps(row)}", file=sys.stderr, flush=True)
                part.append(row)
        spec = DATA[data]
        window = next((r["holdout"] for r in part if "holdout" in r), "?")
        print(
            f"\n{data}: last {spec.holdout} periods held out ({window})"
            + (f", after dropping the last {args.exclude_last}" if args.exclude_last else "")
        )
        print(peer_table(part, spec.season))
        print(verdict(part))
        for row in part:
            if "error" in row:
                print(f"{row['model']} (seed {row['seed']}) failed: {row['error']}")
        rows += part
    load_avg = (
        Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    )
    print(f"\nload average at the end: {' '.join(load_avg)}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
