"""The forecasting commands of the CLI: ``forecast``, ``backtest`` and ``tune``.

Each reads a sales file with the import and cleaning flags of ``inspect``, prints
progress on stderr and its result on stdout (see :mod:`core.cli.main` for exit codes).
``forecast`` writes ``forecast`` (the expected sales, the mean: the figure to add up)
and ``median`` per product and period, then the ``lo_``/``hi_`` bands around the median,
and says so in its summary.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import pandas as pd

from core.analysis import (
    fit_model,
    lifecycle_tables,
    make_forecast,
    save_run,
    write_forecast_file,
)
from core.cli.common import (
    add_cleaning_args,
    add_import_args,
    add_model_args,
    interval_levels,
    model_factory,
    positive,
    prepare,
    terminal_progress,
    train_settings,
)
from core.data import (
    read_future,
    write_table,
)
from core.errors import InputError
from core.forecast import (
    DEEP_MODELS,
    MODEL_NAMES,
    backtest,
    festival_lift_of,
    load_forecaster,
    permutation_importance,
    save_forecaster,
    save_params,
    tune,
)
from core.text import pick

__all__ = ["COMMANDS", "add_forecast_commands"]

DEFAULT_BACKTEST_MODELS = "lstm,ets,snaive,croston"


def add_forecast_commands(sub, common) -> None:
    """Register ``forecast``, ``backtest`` and ``tune`` on the subparsers ``sub``."""
    p = sub.add_parser("forecast", parents=[common], help="forecast every product")
    add_import_args(p)
    add_cleaning_args(p)
    p.add_argument("--horizon", type=positive, required=True, help="periods to forecast")
    p.add_argument("--model", default="lstm", choices=MODEL_NAMES, help="default lstm")
    p.add_argument("--level", type=int, action="append",
                   help="interval level in percent, repeatable (default 80)")  # fmt: skip
    p.add_argument("--future", help="planned promotions/prices: ID columns, date, promo, price")
    p.add_argument("--save-model", help="folder to save the fitted model in")
    p.add_argument("--load-model", help="forecast with a saved model instead of training")
    p.add_argument("--importance", help="lstm/gru: write feature-group importance (.csv/.xlsx)")
    p.add_argument("--out", required=True, help="output .csv or .xlsx")
    p.add_argument("--archive", help="also keep this run in a forecast archive (SQLite) file")
    add_model_args(p)
    p = sub.add_parser("backtest", parents=[common], help="compare models on past windows")
    add_import_args(p)
    add_cleaning_args(p)
    p.add_argument("--horizon", type=positive, required=True, help="periods per window")
    p.add_argument("--folds", type=positive, default=3, help="rolling windows (default 3)")
    p.add_argument("--models", default=DEFAULT_BACKTEST_MODELS,
                   help=f"comma-separated (default {DEFAULT_BACKTEST_MODELS})")  # fmt: skip
    p.add_argument("--level", type=int, action="append", help="interval level (default 80)")
    p.add_argument("--json", dest="json_out", help="write the results as JSON here")
    p.add_argument("--per-product", help="write per-product scores (.csv/.xlsx) here")
    add_model_args(p)
    p = sub.add_parser("tune", parents=[common], help="search the deep model's settings")
    add_import_args(p)
    add_cleaning_args(p)
    p.add_argument("--budget-minutes", type=float, required=True, help="time budget")
    p.add_argument("--horizon", type=positive, help="periods forecast at once")
    p.add_argument("--trials", type=positive, help="stop after this many trials")
    p.add_argument("--out", required=True, help="settings file to write (JSON)")
    add_model_args(p)


# ---------------------------------------------------------------------- forecast


def cmd_forecast(args: argparse.Namespace) -> int:
    levels = interval_levels(args)
    out_path = Path(args.out)
    if out_path.suffix.lower() not in (".csv", ".xlsx"):
        raise InputError("--out must end in .csv or .xlsx.", "--out 必须以 .csv 或 .xlsx 结尾。")
    dataset, frames = prepare(args)
    future = read_future(args.future, dataset) if args.future else None
    progress = terminal_progress(args)
    try:
        if args.load_model:
            model = load_forecaster(args.load_model)
        else:
            settings = train_settings(args, args.model, args.horizon)
            model = fit_model(frames, dataset.freq, settings, on_progress=progress)
        # the baselines fit while they forecast: products done / total, batch by batch
        with model.watch(progress):
            fc = make_forecast(model, args.horizon, levels=levels, future=future)
    finally:
        progress.close()
    stages, _ = lifecycle_tables(frames, dataset.freq, forecast=fc, history=False)
    written = write_forecast_file(fc, stages, frames, dataset, out_path, args.lang,
                                  headers_in_words=False)  # fmt: skip
    if args.archive:  # with the seasonal naive of the same data, to be scored later
        save_run(args.archive, data_end=frames.frame["ds"].max(), model=model.name,
                 freq=dataset.freq, forecast=fc, history=frames.frame, source=args.file,
                 settings={"horizon": args.horizon, "levels": levels})  # fmt: skip
    if args.save_model:
        save_forecaster(model, args.save_model)
    if args.importance:
        _write_importance(args, model)
    print(_forecast_summary(args, model, fc, dataset))
    skipped = frames.alignment.inactive
    if len(skipped):
        en_where = written[-1] if len(written) > 1 else f"the 'not forecast' sheet of {out_path}"
        zh_where = written[-1] if len(written) > 1 else f"{out_path} 的“未预测”工作表"
        print(pick(args.lang, f"{len(skipped)} products that stopped selling are not forecast: "
                              f"listed with the reason in {en_where}.",
                   f"{len(skipped)} 个已停售的商品未预测：名单及原因见 {zh_where}。"))  # fmt: skip
    return 0


def _write_importance(args, model) -> None:
    if model.name not in DEEP_MODELS or args.load_model:
        raise InputError(
            "--importance needs the lstm or gru model trained in this run.",
            "--importance 需要本次训练的 lstm 或 gru 模型。",
        )
    table = permutation_importance(model, random_state=args.seed)
    write_table(table.round(4), args.importance)


def _forecast_summary(args, model, fc: pd.DataFrame, dataset) -> str:
    n = fc["unique_id"].nunique()
    first, last = fc["ds"].min().date(), fc["ds"].max().date()
    lines = [pick(args.lang,
                  f"Forecast {n} products x {args.horizon} periods ({first} .. {last}) with "
                  f"{model.name}; written to {args.out}",
                  f"已用 {model.name} 预测 {n} 个商品 × {args.horizon} 期（{first} 至 {last}），"
                  f"结果写入 {args.out}")]  # fmt: skip
    total = float(fc["forecast"].sum())
    lines.append(pick(args.lang,
                      f"forecast = expected sales (the mean; add it up: {total:,.0f} units in "
                      "all), median = the middle outcome; lo_/hi_ bands lie around the median",
                      f"forecast = 预测均值（期望销量，可直接相加：合计 {total:,.0f} 件），"
                      "median = 中位数；lo_/hi_ 区间围绕中位数"))  # fmt: skip
    short = getattr(model, "short_history_", {}) or {}
    if short:
        names = ", ".join(list(short)[:8]) + (" ..." if len(short) > 8 else "")
        lines.append(pick(args.lang,
                          f"Low confidence (short history): {len(short)} products: {names}",
                          f"低置信度（历史较短）：{len(short)} 个商品：{names}"))  # fmt: skip
    choice = getattr(model, "choice_", None)
    if choice is not None:
        counts = choice["model"].value_counts().to_dict()
        lines.append(pick(args.lang, f"Models chosen per product: {counts}",
                          f"各商品选用的模型：{counts}"))  # fmt: skip
        moved = choice[choice["scale"].ne(1.0)]
        if len(moved):
            keys = moved["group"] + "/" + moved["model"]
            scales = moved.groupby(keys)["scale"].first().map("x{:.3f}".format).to_dict()
            lines.append(pick(args.lang,
                              f"Forecasts scaled by each model's bias in the inner backtest "
                              f"(what it sold against what it forecast): {scales}",
                              f"按各模型在内部回测中的偏差（实际销量与预测之比）缩放预测：{scales}"))  # fmt: skip
    lift = festival_lift_of(model)
    if lift is not None:
        lines.append(pick(args.lang,
                          "ETS fitted without the shop's festival lift, put back into its "
                          f"forecast: {lift.describe('en')}",
                          f"ETS 先去掉店铺的节日拉动再拟合，预测时按期加回：{lift.describe('zh')}"))  # fmt: skip
    if args.save_model:
        lines.append(pick(args.lang, f"Model saved to {args.save_model}",
                          f"模型已保存到 {args.save_model}"))  # fmt: skip
    return "\n".join(lines)


# ---------------------------------------------------------------------- backtest
def _model_list(text: str) -> list[str]:
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    bad = [n for n in names if n not in MODEL_NAMES]
    if bad or not names:
        raise InputError(
            f"--models: unknown {', '.join(bad) or '(none)'}; choose from {', '.join(MODEL_NAMES)}.",
            f"--models：未知模型 {'、'.join(bad) or '（空）'}；可选：{', '.join(MODEL_NAMES)}。",
        )
    return list(dict.fromkeys(names))


def cmd_backtest(args: argparse.Namespace) -> int:
    names = _model_list(args.models)
    dataset, frames = prepare(args)
    frame = frames.history()  # trains on the demand behind stock-outs, scores on sales
    factories = {n: model_factory(n, args, args.horizon, dataset.freq) for n in names}
    progress = terminal_progress(args)
    try:
        # fit_progress: the models' own events too (epochs; the baselines' batches of products)
        result = backtest(frame, dataset.freq, factories, horizon=args.horizon, folds=args.folds,
                          levels=interval_levels(args), on_progress=progress,
                          fit_progress=progress)  # fmt: skip
    finally:
        progress.close()
    print(format_leaderboard(result, args.lang))
    if args.json_out:
        body = result.to_dict()
        Path(args.json_out).write_text(
            json.dumps(body, ensure_ascii=False, indent=1, allow_nan=False), "utf-8"
        )
    if args.per_product:
        write_table(result.per_series, args.per_product)
    return 0


def format_leaderboard(result, lang: str) -> str:
    """The leaderboard as an aligned text table, then the verdict."""
    board = result.ranked()
    cols = [c for c in ("model", "mase", "rmsse", "smape", "wape", "mae", "rmse", "bias")
            if c in board.columns]  # fmt: skip
    cols += [c for c in board.columns if c.startswith("coverage_")]
    cols += [c for c in ("fit_seconds", "predict_seconds") if c in board.columns]
    table = board[cols].copy()
    for col in cols[1:]:
        table[col] = table[col].map(lambda v: "-" if v is None or not math.isfinite(v)
                                    else f"{v:.3f}")  # fmt: skip
    text = table.to_string(index=False)
    failures = getattr(result, "failures", None)
    notes = []
    if failures is not None and len(failures):
        for row in failures.drop_duplicates("model").itertuples():
            notes.append(pick(lang, f"{row.model} failed: {row.error}",
                              f"{row.model} 失败：{row.error}"))  # fmt: skip
    verdict = result.verdict(lang) if lang in ("en", "zh") else (
        f"{result.verdict('zh')}\n{result.verdict('en')}")  # fmt: skip
    return "\n".join([text, *notes, verdict])


# -------------------------------------------------------------------------- tune
def cmd_tune(args: argparse.Namespace) -> int:
    dataset, frames = prepare(args)
    frame = frames.frame
    base = train_settings(args, "lstm", args.horizon).deep_params(dataset.freq)
    if base.get("events_path") is None:
        base.pop("events_path")
    seed = base.pop("random_state")
    progress = terminal_progress(args)
    try:
        result = tune(frame, dataset.freq, budget_minutes=args.budget_minutes, base_params=base,
                      n_trials=args.trials, random_state=seed, on_progress=progress)  # fmt: skip
    finally:
        progress.close()
    best = {k: v for k, v in result.best_params.items() if k != "events_path"}
    save_params(args.out, best, result.best_score)
    shown = {k: result.best_params[k] for k in ("lookback", "units", "layers", "dropout",
                                                 "learning_rate")}  # fmt: skip
    done = int((result.trials["state"] == "COMPLETE").sum())
    print(pick(args.lang,
               f"{len(result.trials)} trials ({done} complete) in {result.seconds:.0f} s; best "
               f"validation loss {result.best_score:.4f} with {shown}; written to {args.out}",
               f"{result.seconds:.0f} 秒内完成 {len(result.trials)} 次试验（{done} 次完整）；"
               f"最佳验证损失 {result.best_score:.4f}，设置 {shown}；已写入 {args.out}"))  # fmt: skip
    return 0


COMMANDS = {"forecast": cmd_forecast, "backtest": cmd_backtest, "tune": cmd_tune}
