"""The forecasting commands of the CLI: ``forecast``, ``backtest`` and ``tune``.

Each reads a sales file with the import and cleaning flags of ``inspect``, prints
progress on stderr and its result on stdout (see :mod:`core.cli` for exit codes).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import pandas as pd

from core.errors import InputError
from core.models.registry import DEEP_MODELS, MODEL_NAMES

__all__ = ["COMMANDS", "add_forecast_commands"]

DEFAULT_BACKTEST_MODELS = "lstm,ets,snaive,croston"


def _say(lang: str, en: str, zh: str) -> str:
    return {"en": en, "zh": zh}.get(lang, f"{zh}\n{en}")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _model_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("model")
    g.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    g.add_argument("--epochs", type=_positive, help="deep model: maximum training epochs")
    g.add_argument("--params", help="deep model settings from `tune` (JSON)")
    g.add_argument("--region", choices=["CN", "US", "intl"], default="CN",
                   help="holidays and shopping festivals (default CN)")  # fmt: skip
    g.add_argument("--events", help="your own event calendar CSV (date,event[,end_date])")


def add_forecast_commands(sub, common, add_import_args, add_cleaning_args) -> None:
    """Register ``forecast``, ``backtest`` and ``tune`` on the subparsers ``sub``."""
    p = sub.add_parser("forecast", parents=[common], help="forecast every product")
    add_import_args(p)
    add_cleaning_args(p)
    p.add_argument("--horizon", type=_positive, required=True, help="periods to forecast")
    p.add_argument("--model", default="lstm", choices=MODEL_NAMES, help="default lstm")
    p.add_argument("--level", type=int, action="append",
                   help="interval level in percent, repeatable (default 80)")  # fmt: skip
    p.add_argument("--future", help="planned promotions/prices: ID columns, date, promo, price")
    p.add_argument("--save-model", help="folder to save the fitted model in")
    p.add_argument("--load-model", help="forecast with a saved model instead of training")
    p.add_argument("--importance", help="lstm/gru: write feature-group importance (.csv/.xlsx)")
    p.add_argument("--out", required=True, help="output .csv or .xlsx")
    _model_args(p)
    p = sub.add_parser("backtest", parents=[common], help="compare models on past windows")
    add_import_args(p)
    add_cleaning_args(p)
    p.add_argument("--horizon", type=_positive, required=True, help="periods per window")
    p.add_argument("--folds", type=_positive, default=3, help="rolling windows (default 3)")
    p.add_argument("--models", default=DEFAULT_BACKTEST_MODELS,
                   help=f"comma-separated (default {DEFAULT_BACKTEST_MODELS})")  # fmt: skip
    p.add_argument("--level", type=int, action="append", help="interval level (default 80)")
    p.add_argument("--json", dest="json_out", help="write the results as JSON here")
    p.add_argument("--per-product", help="write per-product scores (.csv/.xlsx) here")
    _model_args(p)
    p = sub.add_parser("tune", parents=[common], help="search the deep model's settings")
    add_import_args(p)
    add_cleaning_args(p)
    p.add_argument("--budget-minutes", type=float, required=True, help="time budget")
    p.add_argument("--horizon", type=_positive, help="periods forecast at once")
    p.add_argument("--trials", type=_positive, help="stop after this many trials")
    p.add_argument("--out", required=True, help="settings file to write (JSON)")
    _model_args(p)


# --------------------------------------------------------------------- shared steps
def _prepare(args, keep_all: bool = False, announce: bool = True):
    """Import and clean the file, then :func:`core.pipeline.model_frames`.

    Returns ``(dataset, frame)`` with products aligned to the last date and discontinued
    ones set aside (see :mod:`core.activity`), plus the whole cleaned frame when
    ``keep_all``.
    """
    from core.cleaning import clean
    from core.cli import cleaning_options, import_options
    from core.importer import load_dataset
    from core.pipeline import model_frames, require_active

    dataset = load_dataset(args.file, import_options(args))
    dataset = clean(dataset, cleaning_options(args)).dataset
    frames = model_frames(dataset)
    for line in frames.describe(args.lang) if announce else ():
        print(line, file=sys.stderr)
    if not keep_all:
        require_active(frames)
    return (dataset, frames.frame, frames.full) if keep_all else (dataset, frames.frame)


def _deep_params(args, horizon: int | None) -> dict:
    from core.tuning import load_params

    params = load_params(args.params) if args.params else {}
    params.setdefault("random_state", args.seed)
    params.setdefault("region", args.region)
    if args.events:
        params["events_path"] = args.events
    if args.epochs:
        params["epochs"] = args.epochs
    if horizon is not None:
        params["horizon"] = horizon
    params.pop("cell", None)
    return params


def _factory(name: str, args, horizon: int):
    from core.models.registry import make_model

    deep = _deep_params(args, horizon)
    if name in DEEP_MODELS:
        return lambda: make_model(name, **deep)
    if name == "auto":
        params = {n: dict(deep) for n in DEEP_MODELS}
        return lambda: make_model("auto", model_params=params)
    return lambda: make_model(name)


def _levels(args) -> list[int]:
    from core.models.base import check_levels

    return check_levels(args.level or [80])


def _progress(args):
    from core.progress import TerminalProgress

    return TerminalProgress(args.lang)


# ---------------------------------------------------------------------- forecast
def read_future(path: str, dataset) -> pd.DataFrame:
    """Planned ``promo``/``price`` per product and date from a CSV/XLSX file.

    The file names products with the sales file's own ID columns (or ``unique_id``) and
    has a date column; headers are recognised like the sales file's.
    """
    from core.io import ReadOptions, read_table
    from core.parsing import parse_dates, parse_flags, parse_numbers
    from core.pipeline import uid_column
    from core.schema import match_headers

    table = read_table(path, ReadOptions()).frame
    roles = match_headers(list(table.columns))
    if "date" not in roles:
        raise InputError(
            f"{path}: the plan file needs a date column.", f"{path}：计划文件需要日期列。"
        )
    uid = uid_column(table, dataset, path)
    out = pd.DataFrame({"unique_id": uid, "ds": parse_dates(table[roles["date"]]).values})
    if "promo" in roles:
        out["promo"] = parse_flags(table[roles["promo"]]).to_numpy()
    if "price" in roles:
        out["price"] = parse_numbers(table[roles["price"]])[0].to_numpy()
    if not {"promo", "price"} & set(out.columns):
        raise InputError(
            f"{path}: no promotion or price column found in the plan file.",
            f"{path}：计划文件中没有促销或价格列。",
        )
    return out.dropna(subset=["ds"])


def cmd_forecast(args: argparse.Namespace) -> int:
    from core.export import write_table
    from core.models.store import load_forecaster, save_forecaster
    from core.pipeline import forecast_table

    levels = _levels(args)
    out_path = Path(args.out)
    if out_path.suffix.lower() not in (".csv", ".xlsx"):
        raise InputError("--out must end in .csv or .xlsx.", "--out 必须以 .csv 或 .xlsx 结尾。")
    dataset, frame = _prepare(args)
    future = read_future(args.future, dataset) if args.future else None
    progress = _progress(args)
    if args.load_model:
        model = load_forecaster(args.load_model)
    else:
        model = _factory(args.model, args, args.horizon)()
        try:
            model.fit(frame, dataset.freq, on_progress=progress)
        finally:
            progress.close()
    fc = model.predict(args.horizon, levels=levels, future=future)
    write_table(forecast_table(fc, dataset), out_path)
    if args.save_model:
        save_forecaster(model, args.save_model)
    if args.importance:
        _write_importance(args, model)
    print(_forecast_summary(args, model, fc, dataset))
    return 0


def _write_importance(args, model) -> None:
    from core.explain import permutation_importance
    from core.export import write_table

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
    lines = [_say(args.lang,
                  f"Forecast {n} products x {args.horizon} periods ({first} .. {last}) with "
                  f"{model.name}; written to {args.out}",
                  f"已用 {model.name} 预测 {n} 个商品 × {args.horizon} 期（{first} 至 {last}），"
                  f"结果写入 {args.out}")]  # fmt: skip
    short = getattr(model, "short_history_", {}) or {}
    if short:
        names = ", ".join(list(short)[:8]) + (" ..." if len(short) > 8 else "")
        lines.append(_say(args.lang,
                          f"Low confidence (short history): {len(short)} products: {names}",
                          f"低置信度（历史较短）：{len(short)} 个商品：{names}"))  # fmt: skip
    choice = getattr(model, "choice_", None)
    if choice is not None:
        counts = choice["model"].value_counts().to_dict()
        lines.append(_say(args.lang, f"Models chosen per product: {counts}",
                          f"各商品选用的模型：{counts}"))  # fmt: skip
    if args.save_model:
        lines.append(_say(args.lang, f"Model saved to {args.save_model}",
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
    from core.backtest import backtest
    from core.export import write_table

    names = _model_list(args.models)
    dataset, frame = _prepare(args)
    factories = {n: _factory(n, args, args.horizon) for n in names}
    progress = _progress(args)
    try:
        result = backtest(frame, dataset.freq, factories, horizon=args.horizon, folds=args.folds,
                          levels=_levels(args), on_progress=progress)  # fmt: skip
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
            notes.append(_say(lang, f"{row.model} failed: {row.error}",
                              f"{row.model} 失败：{row.error}"))  # fmt: skip
    verdict = result.verdict(lang) if lang in ("en", "zh") else (
        f"{result.verdict('zh')}\n{result.verdict('en')}")  # fmt: skip
    return "\n".join([text, *notes, verdict])


# -------------------------------------------------------------------------- tune
def cmd_tune(args: argparse.Namespace) -> int:
    from core.tuning import save_params, tune

    dataset, frame = _prepare(args)
    base = _deep_params(args, args.horizon)
    seed = base.pop("random_state")
    progress = _progress(args)
    try:
        result = tune(frame, dataset.freq, budget_minutes=args.budget_minutes, base_params=base,
                      n_trials=args.trials, random_state=seed, on_progress=progress)  # fmt: skip
    finally:
        progress.close()
    save_params(args.out, result.best_params, result.best_score)
    shown = {k: result.best_params[k] for k in ("lookback", "units", "layers", "dropout",
                                                 "learning_rate")}  # fmt: skip
    done = int((result.trials["state"] == "COMPLETE").sum())
    print(_say(args.lang,
               f"{len(result.trials)} trials ({done} complete) in {result.seconds:.0f} s; best "
               f"validation loss {result.best_score:.4f} with {shown}; written to {args.out}",
               f"{result.seconds:.0f} 秒内完成 {len(result.trials)} 次试验（{done} 次完整）；"
               f"最佳验证损失 {result.best_score:.4f}，设置 {shown}；已写入 {args.out}"))  # fmt: skip
    return 0


COMMANDS = {"forecast": cmd_forecast, "backtest": cmd_backtest, "tune": cmd_tune}
