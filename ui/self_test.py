"""``SkuCast --self-test [REPORT_DIR] [--timeout SECONDS]``: prove an installation is whole.

Opens the main window (off-screen under ``QT_QPA_PLATFORM=offscreen``), then, through the
same views and workers a user clicks through (:mod:`ui.screenshots` steps), imports the
bundled sample shop, trains a tiny LSTM (one epoch up to the backtest cutoff, two more on
all the data; Keras/TensorFlow must load and train wherever the app runs training), forecasts every product and computes the order
and promotion advice. Each step is timed and its results are checked.

The report goes to ``REPORT_DIR`` (created; default a new temporary folder, printed):
``self-test.json`` (versions, seconds per step, row counts, pass/fail and the reason)
and ``self-test.txt`` (the same, short, also printed). Exit status: 0 when every step
passed, 1 when one failed (the reason on stderr and in the report), 3 when the whole run
exceeded ``--timeout`` (default 600 s): a watchdog thread then writes the report and
ends the process even if the GUI thread hangs.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import platform
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QSettings, qVersion
from PySide6.QtGui import QGuiApplication

import core
from core.analysis import loaded_versions
from core.forecast import TrainSettings
from ui import i18n
from ui.main_window import MainWindow
from ui.screenshots import FlowError, forecast_step, import_step, recommend_step, train_step
from ui.settings import AppSettings

__all__ = ["EXIT_FAILED", "EXIT_TIMEOUT", "SelfTestReport", "parse_args", "run_self_test"]

EXIT_FAILED = 1
EXIT_TIMEOUT = 3
#: Generous: the bundle's self-test took 163 s on two cores shared with three other jobs,
#: and a first launch on Windows waits for the antivirus to scan ~2,400 files.
DEFAULT_TIMEOUT = 600.0
JSON_NAME, TEXT_NAME = "self-test.json", "self-test.txt"
#: Packages whose versions the report lists (those loaded in this process).
REPORTED_PACKAGES = ("PySide6", "pyqtgraph", "numpy", "pandas", "scipy", "statsforecast",
                     "keras", "tensorflow", "openpyxl", "holidays")  # fmt: skip
#: The training form's extra arguments: a few hundred windows make one epoch take seconds.
TINY_EXTRA = {"windows_per_epoch": 256}


def tiny_settings():
    """One epoch of a small LSTM on short windows, one cheap baseline for the backtest."""
    return replace(TrainSettings(), model="lstm", epochs=1, units=8, lookback=28,
                   batch_size=64, baselines=["snaive"], folds=1)  # fmt: skip


@dataclass
class Step:
    """One timed step: its figures (row counts...) or the reason it failed."""

    name: str
    ok: bool = False
    seconds: float = 0.0
    figures: dict = field(default_factory=dict)
    error: str = ""


@dataclass
class SelfTestReport:
    """Everything the self-test found; written as JSON and as a short text."""

    started: str
    versions: dict
    environment: dict
    steps: list[Step] = field(default_factory=list)
    ok: bool = False
    exit_code: int = EXIT_FAILED
    reason: str = ""
    details: str = ""
    seconds_total: float = 0.0

    def text(self) -> str:
        """The short, human-readable summary (first line: ``SkuCast self-test: ok``)."""
        verdict = "ok" if self.ok else f"FAILED: {self.reason}"
        lines = [f"SkuCast self-test: {verdict} ({self.seconds_total:.1f} s)"]
        lines.append(", ".join(f"{k} {v}" for k, v in self.versions.items()))
        if self.environment:
            lines.append(", ".join(f"{k}={v}" for k, v in self.environment.items()))
        for step in self.steps:
            shown = ", ".join(f"{k}={v}" for k, v in step.figures.items()) or step.error
            lines.append(
                f"  {'ok  ' if step.ok else 'FAIL'} {step.name:<16}{step.seconds:7.2f} s  {shown}"
            )
        return "\n".join(lines) + "\n"

    def write(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        data = json.dumps(asdict(self), indent=2, ensure_ascii=False, default=str)
        (folder / JSON_NAME).write_text(data + "\n", encoding="utf-8")
        (folder / TEXT_NAME).write_text(self.text(), encoding="utf-8")


def parse_args(argv: list[str]) -> tuple[Path | None, float]:
    """``[REPORT_DIR] [--timeout SECONDS]`` after ``--self-test``: (folder or None, timeout)."""
    args = list(argv)
    timeout = DEFAULT_TIMEOUT
    if "--timeout" in args:
        index = args.index("--timeout")
        try:
            timeout = float(args[index + 1])
        except (IndexError, ValueError):
            raise SystemExit("--self-test: --timeout needs a number of seconds") from None
        del args[index : index + 2]
    folders = [a for a in args if not a.startswith("-")]
    return (Path(folders[0]) if folders else None), timeout


#: Versions the training's child process reported (Keras never loads in this one).
_CHILD_VERSIONS: dict = {}


def versions() -> dict:
    """SkuCast's, Python's, Qt's and the loaded packages' versions, with those of the
    training's child process (Keras, TensorFlow)."""
    found = {"SkuCast": core.__version__, "Python": platform.python_version(), "Qt": qVersion()}
    return {**found, **loaded_versions(REPORTED_PACKAGES), **_CHILD_VERSIONS}


def environment() -> dict:
    """Frozen or not, the OS, Qt's platform plugin and the executable."""
    return {"frozen": bool(getattr(sys, "frozen", False)), "platform": platform.platform(),
            "qt_platform": QGuiApplication.platformName(), "executable": sys.executable}  # fmt: skip


class _Watchdog:
    """Ends the process (exit 3) with a report when the self-test outlives ``timeout``.

    A thread, not a Qt timer: a timer never fires while the GUI thread is stuck.
    """

    def __init__(self, timeout: float, finish) -> None:
        self.timeout = timeout
        self._finish = finish
        self._timer = threading.Timer(timeout, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def cancel(self) -> None:
        self._timer.cancel()

    def _fire(self) -> None:
        try:
            self._finish(EXIT_TIMEOUT, f"timed out after {self.timeout:.0f} s")
        finally:
            # a training child process (if the app uses one) must not outlive us
            for child in multiprocessing.active_children():
                child.terminate()
            os._exit(EXIT_TIMEOUT)


class SelfTestError(RuntimeError):
    """A step ran but its result is wrong."""


def _require(condition: bool, reason: str) -> None:
    if not condition:
        raise SelfTestError(reason)


# ---------------------------------------------------------------- steps and their checks


def _window_step(settings_dir: Path, opened: list) -> dict:
    window = _make_window(settings_dir)
    opened.append(window)
    window.show()
    window.finish_setup()
    _require(window.isVisible(), "the main window did not open")
    return {"views": len(window.views)}


def _import_step(window, sample, timeout: float) -> dict:
    import_step(window, sample, timeout)
    data = window.session.dataset
    _require(len(data.frame) > 0 and data.n_series > 0, "the sample imported no sales")
    return {"rows": len(data.frame), "products": data.n_series, "freq": window.session.freq}


def _train_step(window, timeout: float) -> dict:
    window.training_view.extra = dict(TINY_EXTRA)
    window.training_view.importance_repeats = 0  # the explanation is not what is tested
    train_step(window, tiny_settings(), timeout)
    _CHILD_VERSIONS.update(window.training_view.last_versions)
    s = window.session
    losses = [r.get("loss") for r in s.history_log if r.get("loss") is not None]
    _require(s.model.name == "lstm", f"trained {s.model.name!r}, not the LSTM")
    _require(bool(losses) and math.isfinite(losses[-1]), f"no finite training loss: {losses}")
    board = [] if s.leaderboard is None else list(s.leaderboard["model"])
    return {"model": s.model.name, "epochs": len(losses), "loss": round(losses[-1], 4),
            "leaderboard": "/".join(board)}  # fmt: skip


def _forecast_step(window, timeout: float) -> dict:
    forecast_step(window, timeout)
    s = window.session
    fc = s.forecast
    active = s.frames.frame["unique_id"].nunique()
    products = fc["unique_id"].nunique()
    _require(products == active, f"forecast for {products} of {active} products")
    _require(bool(fc["forecast"].notna().all()), "the forecast has missing values")
    for level in (c[3:] for c in fc.columns if c.startswith("lo_")):
        inside = (fc[f"lo_{level}"] <= fc["forecast"]) & (fc["forecast"] <= fc[f"hi_{level}"])
        _require(bool(inside.all()), f"the forecast leaves its {level}% band")
    return {"rows": len(fc), "products": products, "horizon": len(fc) // max(products, 1)}


def _recommend_step(window, timeout: float) -> dict:
    recommend_step(window, timeout)
    recs = window.session.recommendations
    products = window.session.forecast["unique_id"].nunique()
    _require(len(recs) == products, f"advice for {len(recs)} of {products} products")
    qty = recs["order_qty"]
    _require(bool(qty.notna().all() and (qty >= 0).all()), "an order quantity is missing or < 0")
    return {"rows": len(recs), "to_order": int((qty > 0).sum())}


#: The steps after the window opened: (name, action(window, sample, timeout) -> figures).
STEPS = (
    ("import sample", _import_step),
    ("train tiny LSTM", lambda w, sample, t: _train_step(w, t)),
    ("forecast", lambda w, sample, t: _forecast_step(w, t)),
    ("recommendations", lambda w, sample, t: _recommend_step(w, t)),
)


# ---------------------------------------------------------------------------- the run


class _Run:
    """The report of one run, finished (written and printed) exactly once, by whichever
    comes first: the GUI thread or the watchdog."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.report = SelfTestReport(started=datetime.now(UTC).isoformat(timespec="seconds"),
                                     versions={}, environment={})  # fmt: skip
        self._lock = threading.Lock()
        self._done = False
        self._started = self._step_started = time.monotonic()

    def finish(self, code: int, reason: str = "", details: str = "") -> bool:
        with self._lock:
            if self._done:
                return False
            self._done = True
        r = self.report
        r.ok, r.exit_code, r.reason, r.details = code == 0, code, reason, details
        r.seconds_total = round(time.monotonic() - self._started, 2)
        for step in r.steps:
            if not step.ok and not step.error:  # the step the watchdog interrupted
                step.error = reason or "did not finish"
                step.seconds = round(time.monotonic() - self._step_started, 2)
        r.versions = versions()
        try:
            r.write(self.folder)
        except OSError as exc:  # the verdict must still reach the terminal
            print(f"SkuCast self-test: cannot write the report: {exc}", file=sys.stderr)
        print(r.text() + f"report: {self.folder}", flush=True)
        if code:
            print(
                f"SkuCast self-test failed: {reason}\n{details}".rstrip(),
                file=sys.stderr,
                flush=True,
            )
        return True

    def step(self, name: str, action) -> None:
        """Run and time one step; its failure is recorded, then raised again."""
        step = Step(name)
        self.report.steps.append(step)
        started = self._step_started = time.monotonic()
        try:
            step.figures = action()
            step.ok = True
        except Exception as exc:
            step.error = str(exc) or type(exc).__name__
            raise
        finally:
            step.seconds = round(time.monotonic() - started, 2)


def _make_window(settings_dir: Path):
    """The main window in English, on throw-away settings: a self-test neither depends on
    nor changes what the user's app remembers (language, recent files, geometry)."""
    i18n.install("en")
    store = QSettings(str(settings_dir / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(AppSettings(store))
    window.resize(1280, 800)
    return window


def _close(window) -> None:
    """Close as a user would, without the unsaved-work question; running work is cancelled."""
    window.discard_changes()
    window.close()
    for view in window.views:
        view.shutdown()
    window.project_runner.wait()
    window.deleteLater()


def run_self_test(folder: Path | str | None = None, timeout: float = DEFAULT_TIMEOUT,
                  sample: Path | str | None = None) -> int:  # fmt: skip
    """Run every step (module doc) in the running QApplication; the exit status.

    Parameters
    ----------
    folder : path, optional
        Where ``self-test.json`` and ``self-test.txt`` go (default: a new temporary folder).
    timeout : float
        Seconds for the whole run before the watchdog ends the process with exit 3.
    sample : path, optional
        The sales file to import instead of the bundled sample (tests).
    """
    folder = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="skucast-self-test-"))
    run = _Run(folder)
    watchdog = _Watchdog(timeout, run.finish)  # armed first: a hang anywhere below still ends
    run.report.environment = environment()
    code, reason, details = 0, "", ""
    opened: list = []
    with tempfile.TemporaryDirectory(prefix="skucast-self-test-settings-") as settings_dir:
        try:
            run.step("open window", lambda: _window_step(Path(settings_dir), opened))
            for name, action in STEPS:
                run.step(name, lambda action=action: action(opened[0], sample, timeout + 60))
        except FlowError as exc:
            code, reason, details = EXIT_FAILED, str(exc), exc.details
        except Exception as exc:  # noqa: BLE001 - a self-test reports every failure
            code, reason = EXIT_FAILED, f"{type(exc).__name__}: {exc}"
            details = traceback.format_exc()
        run.finish(code, reason, details)
        for window in opened:  # before its settings folder goes
            _close(window)
    watchdog.cancel()
    return run.report.exit_code
