"""Benchmark: RMSSE on ten real, sparse M5 (Walmart) item-store series.

The last 28 days are held out; every model is fitted on the rest and forecasts them.
RMSSE is the M5 metric for one series (``core.forecast.metrics.rmsse``, lag-1 scale over the
history from the first sale on). Prints, per series, its demand class
(``core.forecast.demand.classify_demand`` on the history), the model ``auto`` chose and each
model's RMSSE, then the unweighted mean over the ten series, as Markdown for
docs/BENCHMARKS.md. The models are deterministic except the LSTM inside ``auto``
(seed 0), so each runs once.

    python -m benchmarks.bench_intermittent [--models auto,croston,tsb,snaive]
                                            [--lstm-epochs 10] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.forecast import evaluate, make_model
from core.forecast.demand import classify_demand  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
DEFAULT_SALES = DATA / "m5_sales_train_validation_10series.csv"
DEFAULT_CALENDAR = DATA / "m5_calendar.csv"
HOLDOUT = 28


def load_m5(sales: Path, calendar: Path) -> pd.DataFrame:
    """The wide M5 file as a long frame ``unique_id, ds, y`` (dates from the calendar)."""
    wide = pd.read_csv(sales)
    days = [c for c in wide.columns if c.startswith("d_")]
    long = wide.melt(id_vars="id", value_vars=days, var_name="d", value_name="y")
    dates = pd.read_csv(calendar, usecols=["date", "d"], parse_dates=["date"])
    long = long.merge(dates, on="d", how="left", validate="many_to_one")
    frame = pd.DataFrame({"unique_id": long["id"].astype(str), "ds": long["date"],
                          "y": long["y"].astype(float)})  # fmt: skip
    return frame.sort_values(["unique_id", "ds"]).reset_index(drop=True)


def split_last(frame: pd.DataFrame, periods: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(history, holdout)``: the holdout is the last ``periods`` dates."""
    dates = frame["ds"].drop_duplicates().sort_values()
    cutoff = dates.iloc[-periods - 1]
    return frame[frame["ds"] <= cutoff], frame[frame["ds"] > cutoff]


def make(name: str, lstm_epochs: int):
    """The model under test; ``auto`` keeps its default candidates, with a cheaper LSTM."""
    if name == "auto":
        return make_model("auto", model_params={"lstm": {"epochs": lstm_epochs}})
    return make_model(name)


def run_model(name, history, holdout, lstm_epochs) -> tuple[pd.Series, float, pd.Series | None]:
    """Per-series RMSSE, fit + predict seconds and, for ``auto``, the model chosen per series."""
    model = make(name, lstm_epochs)
    started = time.perf_counter()
    model.fit(history, "D")
    forecast = model.predict(HOLDOUT, levels=(80,))
    seconds = time.perf_counter() - started
    scores = evaluate(forecast, holdout, history, season=1, levels=(80,))
    chosen = model.choice_.set_index("unique_id")["model"] if name == "auto" else None
    return scores.set_index("unique_id")["rmsse"], seconds, chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sales", type=Path, default=DEFAULT_SALES)
    parser.add_argument("--calendar", type=Path, default=DEFAULT_CALENDAR)
    parser.add_argument("--models", default="auto,croston,tsb,snaive")
    parser.add_argument(
        "--lstm-epochs",
        type=int,
        default=10,
        help="epochs of the LSTM candidate inside auto (default 10)",
    )
    parser.add_argument("--json", type=Path, help="also write the per-series figures here")
    args = parser.parse_args()
    for path in (args.sales, args.calendar):
        if not path.is_file():
            sys.exit(f"benchmark data not found: {path}")
    history, holdout = split_last(load_m5(args.sales, args.calendar), HOLDOUT)
    table = classify_demand(history).set_index("unique_id")
    seconds = {}
    for name in [m for m in args.models.split(",") if m]:
        table[name], seconds[name], chosen = run_model(name, history, holdout, args.lstm_epochs)
        if chosen is not None:
            table["auto chose"] = chosen
        print(f"  {name}: {seconds[name]:.2f} s", file=sys.stderr, flush=True)
    models = list(seconds)
    print(f"files: {args.sales.name}, {args.calendar.name}; last {HOLDOUT} days held out; "
          f"auto: default candidates, LSTM epochs {args.lstm_epochs}")  # fmt: skip
    extra = ["auto chose"] if "auto chose" in table else []
    head = ["series", "class", "ADI", "CV²", *extra, *models]
    print("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
    for uid, row in table.iterrows():
        cells = [uid, row["kind"], f"{row['adi']:.2f}", f"{row['cv2']:.2f}",
                 *[str(row[c]) for c in extra], *[f"{row[m]:.3f}" for m in models]]  # fmt: skip
        print("| " + " | ".join(cells) + " |")
    means = [f"**{table[m].mean():.3f}**" for m in models]
    print("| **mean** | | | | " + "| " * len(extra) + " | ".join(means) + " |")
    print("| fit + predict (s) | | | | " + "| " * len(extra)
          + " | ".join(f"{seconds[m]:.2f}" for m in models) + " |")  # fmt: skip
    if args.json:
        out = table.reset_index().to_dict(orient="records")
        args.json.write_text(json.dumps({"series": out, "seconds": seconds}, indent=2, default=str))


if __name__ == "__main__":
    main()
