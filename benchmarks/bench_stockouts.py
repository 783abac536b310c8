"""Benchmark: the forecast after a stock-out, trained on sales as sold or on estimated demand.

A stock-out's zero sales taught as zero demand pull the forecast down just when the product
is restocked. This measures the bias of the forecast of the 28 days after each stock-out
against the true demand, with the cleaning option ``stockouts="keep"`` (before) and
``"impute"`` (after, :mod:`core.data.stockouts`).

Test beds (the true demand of every day is known, stock-out days included):

* ``shop``: the sample shop (:func:`core.sample.generate_shop`, seed 20240611): the stock
  column at 0 marks the stock-outs. The generator's demand draws are recorded by wrapping
  its stock simulation (same draws, same shop);
* ``shop-nostock``: the same shop imported without its stock column: stock-outs only show
  as runs of zeros;
* ``bed``: a second shop built here on the life curves of the lifecycle test bed
  (:mod:`benchmarks.lifecycle_bed`, seven curve families, seed 301), with its own weekday,
  festival, promotion and noise model and its own stock-outs (about one per 60-150 days per
  product, 1-21 days, the first day partly sold); half the products have a stock column
  (0 on stock-out days), the others none.

Two protocols:

* ``event``: every stock-out that ends at least 28 days before the product's last day;
  the forecast origin is its last day (the shelf is still empty when the forecast is made),
  each model fitted on that product's history alone (seasonal naive, ETS);
* ``cutoff``: ``--cutoffs`` origins 28 days apart ending 28 days before the end; global
  models (LightGBM, optionally the LSTM with small settings) fitted on the whole shop as
  the app imports it up to the origin; scored on the products that were out of stock at
  the origin or in the 13 days before it (and on all products, to see the side effects).

Bias = sum of the forecasts / sum of the true demand - 1, pooled over the scored windows
(``median`` = the median of the per-window ratios). The imputation in ``event`` runs
:func:`core.data.stockouts.find_stockouts` on the shop's data up to the origin, which is
what the cleaning step does there (checked on one origin against ``clean`` +
``model_frames``).

    python -m benchmarks.bench_stockouts [--beds shop,shop-nostock,bed]
        [--models snaive,ets,lgbm] [--cutoffs 12] [--runs 1] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.data import CleaningOptions, ImportOptions, clean, load_dataset, model_frames  # noqa: E402
from core.data.stockouts import find_stockouts  # noqa: E402

HORIZON = 28
LOCAL = ("snaive", "ets")
#: Small LSTM settings (the brief: a quick check, not the shipped defaults).
LSTM_SMALL = {"horizon": HORIZON, "units": 32, "epochs": 8, "windows_per_epoch": 2048,
              "region": "CN"}  # fmt: skip


# ----------------------------------------------------------------------------- beds
def shop_bed(seed: int = 20240611) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sample shop's export and its truth (``unique_id, ds, demand, sales, out``)."""
    import core.sample.shop as shop_module

    recorded: dict[str, np.ndarray] = {}
    original = shop_module.simulate_stock

    def recording(rng, draws, known, first_level, prod):
        recorded[prod["商品编码"]] = np.asarray(draws).copy()
        return original(rng, draws, known, first_level, prod)

    shop_module.simulate_stock = recording
    try:
        shop = shop_module.generate_shop(seed=seed)
    finally:
        shop_module.simulate_stock = original
    sales = shop.sales
    ds = pd.to_datetime(sales["日期"], format="%Y/%m/%d")
    truth = pd.DataFrame({"unique_id": sales["商品编码"], "ds": ds, "sales": sales["销量"],
                          "out": sales["库存"].to_numpy() <= 0})  # fmt: skip
    truth = truth.sort_values(["unique_id", "ds"], ignore_index=True)
    truth["demand"] = np.concatenate([recorded[u] for u in truth["unique_id"].unique()])
    return sales, truth


def own_bed(seed: int = 301) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The second shop (module doc): its export and its truth."""
    from benchmarks.lifecycle_bed import FUTURE_DAYS, make_bed
    from benchmarks.lifecycle_bed_sales import shop_calendar

    bed = make_bed(seed, n_per_stage=12)
    rng = np.random.default_rng(seed + 1)
    end = pd.Timestamp(bed.frame["ds"].max()) + pd.Timedelta(days=FUTURE_DAYS)
    start = end - pd.Timedelta(days=2 * 365 + FUTURE_DAYS)
    calendar = pd.date_range(start, end)
    fest, d11 = shop_calendar(calendar)
    rows = [_own_product(uid, curve, calendar, fest, d11, rng)
            for uid, curve in bed.curves.items()]  # fmt: skip
    truth = pd.concat([r for r in rows if r is not None], ignore_index=True)
    export = pd.DataFrame({"date": truth["ds"].dt.strftime("%Y-%m-%d"), "sku": truth["unique_id"],
                           "qty": truth["sales"], "promo": truth["promo"], "stock": truth["stock"]})  # fmt: skip
    return export, truth[["unique_id", "ds", "demand", "sales", "out"]]


def _own_product(uid, curve: pd.Series, calendar, fest, d11, rng) -> pd.DataFrame | None:
    """One product of :func:`own_bed`: demand, stock-outs, sales, stock."""
    days = curve.index.intersection(calendar)
    if len(days) < 120:
        return None
    level = curve.reindex(days).to_numpy()
    pos = calendar.get_indexer(days)
    weekday = rng.uniform(0.75, 1.3, size=7)
    lam = level * (weekday / weekday.mean())[days.dayofweek]
    lam = lam * (fest[pos] * np.where(d11[pos], rng.uniform(2, 5), 1.0)) ** rng.uniform(0.3, 1)
    promo = np.zeros(len(days))
    for s in rng.integers(0, len(days) - 5, size=int(rng.integers(2, 6))):
        promo[s : s + int(rng.integers(2, 6))] = 1.0
    lam = lam * np.where(promo > 0, rng.uniform(1.5, 3.0), 1.0)
    shape = rng.uniform(2, 10)
    demand = rng.poisson(lam * (rng.gamma(shape, 1 / shape, len(days)) if shape < 8 else 1.0))
    out = np.zeros(len(days), bool)
    if rng.random() < 0.7:
        gap = rng.uniform(60, 150)
        t = 28 + rng.exponential(gap)
        while t < len(days) - 1:
            length = min(1 + rng.geometric(0.25), 21)
            out[int(t) : int(t) + length] = True
            t += length + rng.exponential(gap)
    first = out & ~np.r_[False, out[:-1]]
    sales = np.where(out, 0, demand)
    sales[first] = rng.binomial(demand[first], rng.uniform(0.2, 0.9, int(first.sum())))
    cycle = int(rng.integers(14, 40))
    stock = np.ceil(level * (cycle - (np.arange(len(days)) % cycle))) + 1.0
    stock = np.where(out, 0.0, stock) if rng.random() < 0.5 else np.full(len(days), np.nan)
    return pd.DataFrame({"unique_id": uid, "ds": days, "demand": demand, "sales": sales,
                         "out": out, "promo": promo, "stock": stock})  # fmt: skip


def load_bed(name: str):
    """``(raw Dataset, truth)`` of a bed, imported as the app imports a file."""
    export, truth = own_bed() if name == "bed" else shop_bed()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.csv"
        export.to_csv(path, index=False, encoding="utf-8")
        if name == "bed":
            options = ImportOptions(date_col="date", id_cols=["sku"], target_col="qty",
                                    roles={"stock": "stock", "promo": "promo"})  # fmt: skip
        else:
            options = ImportOptions(roles={"stock": ""} if name == "shop-nostock" else None)
        raw = load_dataset(path, options)
    return raw, truth


# ----------------------------------------------------------------------------- events
def stockout_events(truth: pd.DataFrame, min_history: int = 56) -> pd.DataFrame:
    """True stock-outs followed by 28 days of data: ``unique_id, start, end``."""
    t = truth.sort_values(["unique_id", "ds"], ignore_index=True)
    same = t["unique_id"].eq(t["unique_id"].shift())
    out = t["out"].to_numpy()
    start = out & ~(np.r_[False, out[:-1]] & same.to_numpy())
    run = np.cumsum(start)
    runs = (
        t[out]
        .assign(run=run[out])
        .groupby("run")
        .agg(unique_id=("unique_id", "first"), start=("ds", "min"), end=("ds", "max"))
    )
    bounds = t.groupby("unique_id")["ds"].agg(["min", "max"])
    first, last = (
        bounds.loc[runs["unique_id"], "min"].to_numpy(),
        bounds.loc[runs["unique_id"], "max"].to_numpy(),
    )
    ok = (runs["end"].to_numpy() + np.timedelta64(HORIZON, "D") <= last) & (
        runs["start"].to_numpy() - np.timedelta64(min_history, "D") >= first
    )
    return runs[ok].reset_index(drop=True)


def _bias(fc: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """Pooled bias and the median of per-window ratios, in percent."""
    pooled = 100 * (fc.sum() / truth.sum() - 1)
    ratios = [100 * (f / t - 1) for f, t in zip(fc, truth, strict=True) if t > 0]
    return float(pooled), float(np.median(ratios)) if ratios else float("nan")


def event_protocol(raw, truth: pd.DataFrame, models) -> list[dict]:
    """Local models at the end of every stock-out (module doc)."""
    from core.forecast import make_model

    kept = clean(raw, CleaningOptions(stockouts="keep")).dataset.frame
    events = stockout_events(truth)
    _check_same_as_app(raw, kept, events)
    demand = truth.set_index(["unique_id", "ds"])["demand"]
    sums = {(m, mode): [] for m in models for mode in ("keep", "impute")}
    truth_sums, how = [], []
    for ev in events.itertuples(index=False):
        upto = kept[kept["ds"] <= ev.end]
        found = find_stockouts(upto, raw.freq)
        mine = (upto["unique_id"] == ev.unique_id).to_numpy()
        series = upto.loc[mine, ["unique_id", "ds", "y"]]
        imputed = series.assign(y=np.where(found.flag[mine], found.demand[mine], series["y"]))
        after = pd.date_range(ev.end + pd.Timedelta(days=1), periods=HORIZON)
        truth_sums.append(demand.loc[[(ev.unique_id, d) for d in after]].sum())
        how.append("flagged" if found.flag[mine][-1] else "missed")
        for mode, frame in (("keep", series), ("impute", imputed)):
            for m in models:
                fc = make_model(m).fit(frame, raw.freq).predict(HORIZON)
                sums[(m, mode)].append(fc["forecast"].sum())
    truth_sums, how = np.asarray(truth_sums), np.asarray(how)
    rows = []
    for (m, mode), fc in sums.items():
        fc = np.asarray(fc)
        pooled, median = _bias(fc, truth_sums)
        caught = _bias(fc[how == "flagged"], truth_sums[how == "flagged"])[0]
        rows.append({"protocol": "event", "model": m, "mode": mode, "windows": len(fc),
                     "bias": pooled, "median": median, "bias_flagged": caught,
                     "flagged": int((how == "flagged").sum())})  # fmt: skip
    return rows


def _check_same_as_app(raw, kept: pd.DataFrame, events: pd.DataFrame) -> None:
    """The shortcut of :func:`event_protocol` gives what clean + model_frames give."""
    if events.empty:
        return
    ev = events.iloc[len(events) // 2]
    upto = raw.with_frame(raw.frame[raw.frame["ds"] <= ev["end"]])
    app = model_frames(clean(upto, CleaningOptions()).dataset).frame
    sub = kept[kept["ds"] <= ev["end"]]
    found = find_stockouts(sub, raw.freq)
    mine = (sub["unique_id"] == ev["unique_id"]).to_numpy()
    ours = np.where(found.flag[mine], found.demand[mine], sub.loc[mine, "y"])
    theirs = app.loc[app["unique_id"] == ev["unique_id"], "y"].to_numpy()[: len(ours)]
    assert np.allclose(ours, theirs), "the event shortcut differs from the app's frames"


def cutoff_protocol(raw, truth: pd.DataFrame, models, n_cutoffs: int, runs: int) -> list[dict]:
    """Global (and local) models fitted on the whole shop at a few origins (module doc)."""
    end = truth["ds"].max() - pd.Timedelta(days=HORIZON)
    cutoffs = [end - pd.Timedelta(days=HORIZON * k) for k in range(n_cutoffs)][::-1]
    truth_by = truth.set_index(["unique_id", "ds"])
    out_days = truth[truth["out"]]
    results: dict = {}
    for cut in cutoffs:
        recent = out_days[(out_days["ds"] > cut - pd.Timedelta(days=14)) & (out_days["ds"] <= cut)]
        hit = set(recent["unique_id"])
        upto = raw.with_frame(raw.frame[raw.frame["ds"] <= cut])
        window = pd.date_range(cut + pd.Timedelta(days=1), periods=HORIZON)
        for mode in ("keep", "impute"):
            frames = model_frames(clean(upto, CleaningOptions(stockouts=mode)).dataset)
            future = _future(frames.frame, window, raw)
            for m in models:
                for seed in range(runs if m == "lstm" else 1):
                    fc = _fit_predict(m, frames.frame, raw.freq, future, seed)
                    _collect(results, (m, mode, seed), fc, window, truth_by, hit)
    return _summarize_cutoffs(results)


def _future(frame: pd.DataFrame, window, raw) -> pd.DataFrame | None:
    """Known promotions and prices of the window for the active products."""
    cols = [c for c in ("promo", "price") if c in raw.frame]
    if not cols:
        return None
    ids = frame["unique_id"].unique()
    known = raw.frame[raw.frame["ds"].isin(window) & raw.frame["unique_id"].isin(ids)]
    grid = pd.MultiIndex.from_product([ids, window], names=["unique_id", "ds"]).to_frame(
        index=False
    )
    future = grid.merge(known[["unique_id", "ds", *cols]], on=["unique_id", "ds"], how="left")
    last = frame.sort_values("ds").groupby("unique_id")[cols].last()
    for c in cols:
        future[c] = future[c].fillna(future["unique_id"].map(last[c])).fillna(0.0)
    return future


def _fit_predict(name: str, frame, freq: str, future, seed: int) -> pd.DataFrame:
    from core.forecast import make_model

    params = {"lgbm": {"region": "CN"}, "lstm": {**LSTM_SMALL, "random_state": seed}}.get(name, {})
    model = make_model(name, **params).fit(frame, freq)
    return model.predict(HORIZON, future=future if name in ("lgbm", "lstm") else None)


def _collect(results: dict, key, fc: pd.DataFrame, window, truth_by, hit: set) -> None:
    """Per product the forecast and true demand summed over the window."""
    fc = fc[fc["ds"].isin(window)]
    got = fc.groupby("unique_id")["forecast"].sum()
    idx = [(u, d) for u in got.index for d in window if (u, d) in truth_by.index]
    true = truth_by.loc[idx, "demand"].groupby(level=0).sum().reindex(got.index)
    ok = true.notna()
    part = pd.DataFrame({"fc": got[ok], "truth": true[ok], "hit": got.index[ok].isin(hit)})
    results.setdefault(key, []).append(part)


def _summarize_cutoffs(results: dict) -> list[dict]:
    by_model: dict = {}
    for (m, mode, _seed), parts in results.items():
        table = pd.concat(parts)
        hit = table[table["hit"]]
        pooled, median = _bias(hit["fc"].to_numpy(), hit["truth"].to_numpy())
        everyone = _bias(table["fc"].to_numpy(), table["truth"].to_numpy())[0]
        by_model.setdefault((m, mode), []).append((pooled, median, everyone, len(hit)))
    rows = []
    for (m, mode), runs in by_model.items():
        rows.append({"protocol": "cutoff", "model": m, "mode": mode, "windows": runs[0][3],
                     "bias": statistics.median(r[0] for r in runs),
                     "median": statistics.median(r[1] for r in runs),
                     "bias_all": statistics.median(r[2] for r in runs), "runs": len(runs)})  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--beds", default="shop,shop-nostock,bed")
    p.add_argument("--models", default="snaive,ets,lgbm")
    p.add_argument("--cutoffs", type=int, default=12)
    p.add_argument("--runs", type=int, default=1, help="seeds of the LSTM (median reported)")
    p.add_argument("--json")
    args = p.parse_args(argv)
    models = args.models.split(",")
    rows = []
    for bed in args.beds.split(","):
        started = time.perf_counter()
        raw, truth = load_bed(bed)
        local = [m for m in models if m in LOCAL]
        found = [*event_protocol(raw, truth, local)] if local else []
        if args.cutoffs:
            found += cutoff_protocol(raw, truth, models, args.cutoffs, args.runs)
        for row in found:
            row["bed"] = bed
            print(json.dumps(row), flush=True)
        rows += found
        print(f"# {bed}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    print(_table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1), "utf-8")
    return 0


def _table(rows: list[dict]) -> str:
    """Markdown: one line per bed, protocol and model; bias before -> after."""
    lines = ["| bed | protocol | model | windows | bias keep | bias impute | median keep | "
             "median impute |", "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    keyed = {(r["bed"], r["protocol"], r["model"], r["mode"]): r for r in rows}
    for (bed, proto, model, mode), r in keyed.items():
        if mode != "keep" or (bed, proto, model, "impute") not in keyed:
            continue
        a = keyed[(bed, proto, model, "impute")]
        lines.append(f"| {bed} | {proto} | {model} | {r['windows']} | {r['bias']:+.1f} % | "
                     f"{a['bias']:+.1f} % | {r['median']:+.1f} % | {a['median']:+.1f} % |")  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
