"""One view on its own, on the bundled sample shop: ``python -m ui.views.<view>``.

Each view's ``__main__`` is one call of :func:`run_preview`, naming how far the sample
goes before the view opens:

``"file"``      an empty session; the view opens the file given on the command line
                (default: the sample) through its own worker (the Import step)
``"data"``      the sample imported and cleaned (Features, Train)
``"forecast"``  a seasonal-naive model fitted, the forecast made in a worker once the
                view shows (Forecast, Recommendations)

``--quit-after SECONDS`` closes the preview by itself (a smoke check, offscreen too).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer

from core.analysis import fit_model, forecast_task
from core.data import ImportOptions, clean, load_dataset
from core.forecast import TrainSettings
from core.sample import SAMPLE_PATH
from ui.qapp import make_app
from ui.session import Session
from ui.workers.task_worker import TaskRunner

__all__ = ["STAGES", "load_sample", "model_session", "parse_args", "run_preview"]

#: How far the sample goes before the view opens (see module doc).
STAGES = ("file", "data", "forecast")


def load_sample(session: Session, path: Path = SAMPLE_PATH) -> None:
    """Import and clean ``path`` (default: the sample shop) into ``session``, no worker."""
    options = ImportOptions()
    raw = load_dataset(path, options)
    session.set_data(path, path.read_bytes(), options, raw,
                     clean(raw, session.cleaning_options))  # fmt: skip


def model_session() -> Session:
    """A session on the sample with a seasonal-naive model (fitted in seconds)."""
    session = Session()
    load_sample(session)
    session.train_settings = TrainSettings(model="snaive", levels=[80, 95])
    session.set_model(fit_model(session.frames, session.freq, session.train_settings))
    return session


def parse_args(argv: list[str]) -> tuple[str | None, float | None]:
    """``[FILE] [--quit-after SECONDS]``: (the file or None, the seconds or None)."""
    args = list(argv)
    seconds = None
    if "--quit-after" in args:
        index = args.index("--quit-after")
        try:
            seconds = float(args[index + 1])
        except (IndexError, ValueError):
            raise SystemExit("--quit-after needs a number of seconds") from None
        del args[index : index + 2]
    files = [a for a in args if not a.startswith("-")]
    return (files[0] if files else None), seconds


class _Forecaster(TaskRunner):
    """Makes the session's forecast in a worker, then calls ``then(view)``."""

    def __init__(self, view, then) -> None:
        super().__init__(view)
        self.view, self.then = view, then
        self.sig_finished.connect(self._done)

    def run(self) -> bool:
        s = self.view.session
        ts = s.train_settings
        return self.start(forecast_task, s.model, s.frames, s.freq, ts.horizon_for(s.freq),
                          list(ts.levels))  # fmt: skip

    def _done(self, result) -> None:
        self.view.session.set_forecast(result.forecast, result.stages, result.stage_history)
        if self.then is not None:
            self.then(self.view)


def run_preview(view_class, stage: str = "data", then=None, argv: list[str] | None = None) -> int:
    """Open ``view_class`` alone on the sample shop until its window closes; exit code.

    Parameters
    ----------
    view_class : type
        A :class:`~ui.views.base.BaseView` subclass (it is given the session).
    stage : {"file", "data", "forecast"}
        How far the sample goes first (see module doc).
    then : callable, optional
        ``then(view)`` once the session reached ``stage`` (after the forecast worker
        for ``"forecast"``), e.g. a view's own button slot.
    argv : list of str, optional
        ``[FILE] [--quit-after SECONDS]`` (default: the command line).
    """
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {STAGES}, not {stage!r}")
    path, seconds = parse_args(sys.argv[1:] if argv is None else argv)
    app = make_app()
    session = model_session() if stage == "forecast" else Session()
    if stage == "data":
        load_sample(session)
    view = view_class(session)
    view.setWindowTitle("SkuCast - " + view.title())
    view.resize(1400, 820)
    view.show()
    forecaster = _Forecaster(view, then)
    if stage == "file":
        view.open_file(path or str(SAMPLE_PATH))
    if stage == "forecast":
        forecaster.run()
    elif then is not None:
        then(view)
    limit = QTimer(view)  # stopped below: a quit left pending would end a later event loop
    limit.setSingleShot(True)
    limit.timeout.connect(app.quit)
    if seconds is not None:
        limit.start(int(seconds * 1000))
    code = app.exec()
    limit.stop()
    forecaster.wait()
    view.shutdown()
    return code
