"""Benchmark: default training of the bundled sample shop, headless, phase by phase.

Does what the Train step of the app does with the default settings (LSTM, 40 epochs,
backtest against seasonal naive, ETS and Croston on one fold, permutation importance
with 3 repeats), without the window, in one of two flows:

* ``once``: :func:`core.analysis.pipeline.train_with_backtest`: the LSTM is trained once, at the
  backtest cutoff, scored, then trained on for a few epochs on all the data;
* ``twice``: :func:`core.analysis.pipeline.fit_model` on all the data, then
  :func:`core.analysis.pipeline.run_backtest`, which trains the LSTM again at the cutoff.

Each run is a fresh process (so it pays for importing Keras, as a user's first training
does); flows alternate run by run so that both see the same machine load. Wall times
count from the start of the training (``train``) and from the start of the process
(``process``: imports, reading and cleaning the sample included). The backtest scores
are the leaderboard's; with ``--holdout DAYS`` the last DAYS days are hidden first and
the final model's forecast of them is scored too (the hidden days are never seen by any
model; planned prices and promotions of those days are given, as in the backtest).
Prints Markdown for docs/BENCHMARKS.md.

    python -m benchmarks.bench_train_sample [--runs 3] [--flows once,twice]
                                            [--holdout 28] [--final-epochs N] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STARTED = time.perf_counter()


def sample_frames(holdout: int):
    """``(frames, freq, hidden)``: the sample as the app imports and cleans it, with
    the last ``holdout`` days cut off (``hidden``: those rows, ``None`` for 0)."""
    from core.data import (
        ImportOptions,
        ModelFrames,
        align_to_end,
        clean,
        load_dataset,
        model_frames,
    )
    from core.sample import SAMPLE_PATH

    dataset = clean(load_dataset(SAMPLE_PATH, ImportOptions())).dataset
    frames = model_frames(dataset)
    if holdout <= 0:
        return frames, dataset.freq, None
    full = frames.full
    first_hidden = full["ds"].drop_duplicates().nlargest(holdout).min()
    seen = full[full["ds"] < first_hidden]
    aligned = align_to_end(seen, dataset.freq)
    return ModelFrames(aligned.frame, seen, aligned), dataset.freq, full[full["ds"] >= first_hidden]


def train(flow: str, frames, freq: str, settings, final_epochs: int | None = None) -> tuple:
    """The Train step in ``flow``; ``(model, backtest, seconds per phase)``."""
    from core.analysis import fit_model, run_backtest
    from core.forecast import permutation_importance

    seconds, mark, cpu = {}, time.perf_counter(), time.process_time()
    if flow == "once":
        from core.analysis import train_with_backtest

        model, result = train_with_backtest(frames, freq, settings, final_epochs=final_epochs)
        seconds["fit_and_backtest"] = time.perf_counter() - mark
    else:
        model = fit_model(frames, freq, settings)
        seconds["fit"] = time.perf_counter() - mark
        result = run_backtest(frames, freq, settings)
        seconds["backtest"] = time.perf_counter() - mark - seconds["fit"]
    step = time.perf_counter()
    permutation_importance(model, repeats=3)
    seconds["importance"] = time.perf_counter() - step
    seconds["train"] = time.perf_counter() - mark
    seconds["train_cpu"] = time.process_time() - cpu  # all threads: less load-bound than wall
    return model, result, seconds


def holdout_scores(model, frames, hidden) -> dict:
    """Scores of the final model's forecast of the hidden days."""
    from core.forecast import evaluate, summarize

    active = hidden[hidden["unique_id"].isin(frames.frame["unique_id"])]
    plans = [c for c in ("promo", "price") if c in active.columns]
    days = int(active["ds"].nunique())
    fc = model.predict(days, levels=(80,), future=active[["unique_id", "ds", *plans]])
    summary = summarize(evaluate(fc, active, frames.frame, season=7, levels=(80,)))
    return {f"holdout_{k}": float(summary[k]) for k in ("mase", "rmsse", "smape", "coverage_80")}


def child(flow: str, seed: int, holdout: int, epochs: int | None,
          final_epochs: int | None = None) -> dict:  # fmt: skip
    """One run in this process; the figures as a dict."""
    sys.path.insert(0, str(ROOT))
    from core.forecast import TrainSettings

    frames, freq, hidden = sample_frames(holdout)
    settings = TrainSettings(random_state=seed, **({"epochs": epochs} if epochs else {}))
    load = os.getloadavg()[0]
    model, result, seconds = train(flow, frames, freq, settings, final_epochs)
    board = result.leaderboard.set_index("model")
    out = {"flow": flow, "seed": seed, **seconds, "process": time.perf_counter() - STARTED,
           "load_start": load, "load_end": os.getloadavg()[0], "metric": result.metric,
           "series": int(frames.frame["unique_id"].nunique()),
           "epochs_run": len(getattr(model, "history_log_", [])),
           "epochs_before": getattr(model, "warm_start_", {}).get("epochs_before", 0),
           **{f"{m}_{k}": float(board.loc[m, k]) for m in board.index
              for k in ("mase", "rmsse", "coverage_80")}}  # fmt: skip
    if hidden is not None:
        out |= holdout_scores(model, frames, hidden)
    return out


def run_child(flow: str, seed: int, holdout: int, epochs: int | None,
              final_epochs: int | None = None) -> dict:  # fmt: skip
    cmd = [sys.executable, "-m", "benchmarks.bench_train_sample", "--child", flow,
           "--seed", str(seed), "--holdout", str(holdout)]  # fmt: skip
    cmd += ["--epochs", str(epochs)] if epochs else []
    cmd += ["--final-epochs", str(final_epochs)] if final_epochs is not None else []
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"{flow} run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _cell(values: list[float], fmt: str) -> str:
    med = format(statistics.median(values), fmt)
    if len(values) == 1:
        return med
    return f"{med} ({format(min(values), fmt)}–{format(max(values), fmt)})"


def table(rows: list[dict]) -> str:
    """One column per flow: median (min-max) of every measure."""
    flows = list(dict.fromkeys(r["flow"] for r in rows))
    keys = [("train", "training, wall (s)", ".1f"), ("train_cpu", "training, CPU time (s)", ".1f"),
            ("process", "whole process, wall (s)", ".1f"),
            ("fit_and_backtest", "of which fit + backtest, once (s)", ".1f"),
            ("fit", "of which fit (s)", ".1f"), ("backtest", "of which backtest (s)", ".1f"),
            ("importance", "of which importance (s)", ".1f"),
            ("epochs_before", "LSTM epochs at the cutoff", ".0f"),
            ("epochs_run", "LSTM epochs of the final model", ".0f"),
            ("load_start", "load average at start", ".1f")]  # fmt: skip
    models = [k[: -len("_mase")] for k in rows[0] if k.endswith("_mase") and "holdout" not in k]
    keys += [(f"{m}_mase", f"backtest MASE, {m}", ".3f") for m in models]
    keys += [(f"{m}_rmsse", f"backtest RMSSE, {m}", ".3f") for m in models[:1]]
    keys += [(f"{m}_coverage_80", f"backtest coverage 80 %, {m}", ".3f") for m in models[:1]]
    hidden = ("holdout_mase", "holdout_rmsse", "holdout_smape", "holdout_coverage_80")
    keys += [(k, f"final model on the hidden days: {k[8:]}", ".3f") for k in hidden]
    lines = ["| measure | " + " | ".join(flows) + " |", "|---|" + "---|" * len(flows)]
    for key, label, fmt in keys:
        cells = []
        for flow in flows:
            values = [r[key] for r in rows if r["flow"] == flow and key in r]
            cells.append(_cell(values, fmt) if values else "")
        if any(cells):
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per flow (seeds 0..runs-1)")
    parser.add_argument("--flows", default="once,twice")
    parser.add_argument("--holdout", type=int, default=0, help="days hidden and scored")
    parser.add_argument("--epochs", type=int, default=None, help="default: TrainSettings'")
    parser.add_argument(
        "--final-epochs",
        type=int,
        default=None,
        help="epochs of the final training in the once flow (default: refit's)",
    )
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="also write every run's figures here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.seed, args.holdout, args.epochs,
                               args.final_epochs)))  # fmt: skip
        return
    rows = []
    flows = [f for f in args.flows.split(",") if f]
    for i in range(args.runs):
        for flow in flows if i % 2 == 0 else flows[::-1]:
            rows.append(run_child(flow, i, args.holdout, args.epochs, args.final_epochs))
            print(f"  {json.dumps(rows[-1])}", file=sys.stderr, flush=True)
    first = rows[0]
    hidden = f"; last {args.holdout} days hidden and scored" if args.holdout else ""
    print(f"sample shop: {first['series']} products selling, default settings; "
          f"{args.runs} fresh process(es) per flow, seeds 0..{args.runs - 1}; "
          f"{os.cpu_count()} CPUs; primary metric {first['metric']}{hidden}\n")  # fmt: skip
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
