"""Progress lines on the terminal for long CLI commands (reading big files, training, backtests,
tuning, per-product work).

:class:`TerminalProgress` is the ``on_progress`` callable the core accepts. On a
terminal it redraws one line (``\\r``); redirected to a file it writes one line per
epoch, backtest unit, tuning trial or batch of products and skips the fine-grained
batch updates of training.

Per-product work (the batches of :meth:`core.parallel.Workers.map`: the baselines'
forecast, the lifecycle passes, the stock advice) shows products done of the total and
the time left, estimated by :class:`core.analysis.ProgressClock` as in the window:
``Forecasting [######..] 25% 1,000 / 4,000 products · about 40 s left``.
"""

from __future__ import annotations

import sys
import time

from core.analysis import ProgressClock, left_parts
from core.text import pick

__all__ = ["TerminalProgress"]

_WIDTH = 24
_LABELS = {
    "train": ("Training", "训练"),
    "batch": ("Training", "训练"),
    "backtest": ("Backtest", "回测"),
    "predict": ("Forecasting", "预测"),
    "tune": ("Tuning", "调参"),
    "fit": ("Fitting", "拟合"),
    "simulate": ("Replaying", "回放"),
    "auto_fit": ("Fitting", "拟合"),
    "lifecycle": ("Lifecycle", "生命周期"),
    "lifecycle_calendar": ("Lifecycle, with the shop's calendar", "生命周期（扣除店铺日历）"),
    "lifecycle_rules": ("Lifecycle stages", "生命周期阶段"),
    "inventory": ("Stock advice", "库存建议"),
    "importing": ("Reading the file part by part", "分块读取文件"),
}
#: What the ``done``/``total`` of a stage count where the event names nothing (on the
#: command line ``predict`` is only ever the baselines' batches of products).
_UNITS = {"predict": "products", "lifecycle": "products", "lifecycle_calendar": "products",
          "lifecycle_rules": "products", "inventory": "products", "simulate": "reviews"}  # fmt: skip
_UNIT_WORDS = {"products": ("products", "个商品"), "reviews": ("reviews", "次补货")}
_TIME_WORDS = {"s": "秒", "min": "分钟", "h": "小时"}


def _bar(done: float, total: float) -> str:
    share = 0.0 if total <= 0 else min(max(done / total, 0.0), 1.0)
    filled = int(round(share * _WIDTH))
    return f"[{'#' * filled}{'.' * (_WIDTH - filled)}] {share * 100:3.0f}%"


class TerminalProgress:
    """Prints core progress events (see module doc).

    Parameters
    ----------
    lang : {"en", "zh", "both"}
    stream : file, optional
        Defaults to ``sys.stderr`` (so ``stdout`` stays clean for results).
    """

    def __init__(self, lang: str = "both", stream=None) -> None:
        self.lang = lang
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.perf_counter()
        self._open = False
        self._tenths = -1  # the last tenth of a big file's reading written to a log
        self.clock = ProgressClock()
        self.clock.start()

    def _label(self, stage: str) -> str:
        en, zh = _LABELS.get(stage, (stage, stage))
        return {"en": en, "zh": zh}.get(self.lang, f"{zh} {en}")

    def __call__(self, event: dict) -> None:
        stage = event.get("stage", "")
        text = self._format(stage, event)
        if text is None:
            return
        if self.tty:
            self.stream.write("\r" + text.ljust(120)[:120])
            self._open = True
            if self._finished(stage, event):  # the line stays, whoever forgets to close
                self.close()
                return
        elif stage == "importing":  # a log gets a line per tenth of the file, not per part
            tenth = int(10 * event["bytes_done"] / max(event["bytes_total"], 1))
            if tenth == self._tenths:
                return
            self._tenths = tenth
            self.stream.write(text + "\n")
        elif stage != "batch":
            self.stream.write(text + "\n")
        self.stream.flush()

    def _format(self, stage: str, e: dict) -> str | None:
        label = self._label(stage)
        if stage == "train":
            val = f" val {e['val_loss']:.4f}" if e.get("val_loss") is not None else ""
            eta = f" ~{e.get('eta_seconds', 0):.0f}s" if e.get("eta_seconds") else ""
            loss = e.get("loss")
            return (f"{label} {_bar(e['epoch'], e['epochs'])} epoch {e['epoch']}/{e['epochs']}"
                    f" loss {loss if loss is None else round(loss, 4)}{val}{eta}")  # fmt: skip
        if stage == "batch":
            if not self.tty:
                return None
            share = (e["epoch"] - 1 + e["batch"] / max(e["batches"], 1)) / max(e["epochs"], 1)
            return f"{label} {_bar(share, 1)} epoch {e['epoch']}/{e['epochs']}"
        if "bytes_total" in e:
            done, total = e["bytes_done"], e["bytes_total"]
            return f"{label} {_bar(done, total)} {done >> 20:,} / {total >> 20:,} MB"
        if "total" in e and "done" in e:
            fold, folds = e.get("fold"), e.get("folds")
            what = f" {e['model']}" if "model" in e else ""
            if what and fold is not None and folds:  # a final fit has no fold
                what += f" fold {fold}/{folds}"
            return f"{label} {_bar(e['done'], e['total'])}{self._count(stage, e)}{what}"
        if stage == "tune":
            best = e.get("best")
            best_text = "-" if best is None else f"{best:.4f}"
            return (f"{label} {_bar(e.get('elapsed', 0), e.get('budget', 1))} trial "
                    f"{e['trial'] + 1} best {best_text}")  # fmt: skip
        return None

    @staticmethod
    def _finished(stage: str, e: dict) -> bool:
        """The last batch of per-product work (a model's forecast may report after the
        command closed the bar of its training)."""
        counted = e.get("unit") or _UNITS.get(stage)
        return bool(counted) and "total" in e and e.get("done", -1) >= e["total"] > 0

    def _count(self, stage: str, e: dict) -> str:
        """`` 1,000 / 4,000 products · about 40 s left`` for per-product work, else ``""``."""
        unit = e.get("unit") or _UNITS.get(stage)
        if unit is None or not e["total"]:
            return ""
        reading = self.clock.read({**e, "unit": unit})
        en, zh = _UNIT_WORDS.get(unit, (unit, unit))
        text = f" {reading.done:,} / {reading.total:,} {pick(self.lang, en, zh, ' / ')}"
        left = self._left(reading.left_s)
        return f"{text} · {left}" if left else text

    def _left(self, seconds: float | None) -> str:
        parts = left_parts(seconds)
        if parts is None:
            return ""
        if seconds <= 0:
            return pick(self.lang, "almost done", "即将完成", " / ")
        n, unit = parts
        return pick(self.lang, f"about {n} {unit} left", f"还剩约 {n} {_TIME_WORDS[unit]}", " / ")

    def close(self) -> None:
        """End the redrawn line (call once the work is done)."""
        if self._open:
            self.stream.write("\n")
            self.stream.flush()
            self._open = False
