"""The live loss plot: curves updated in place, best epoch marked, restarts and NaN handled."""

import math

from ui.widgets.loss_plot import LossPlot, best_epoch


def _plot(qtbot) -> LossPlot:
    plot = LossPlot()
    qtbot.addWidget(plot)
    return plot


def test_epochs_update_the_same_two_curves(qtbot):
    plot = _plot(qtbot)
    items = list(plot.plot.getPlotItem().items)
    for epoch, (loss, val) in enumerate([(0.5, 0.6), (0.4, 0.45), (0.3, 0.5)], start=1):
        plot.add_epoch({"stage": "train", "epoch": epoch, "loss": loss, "val_loss": val})
    assert list(plot.plot.getPlotItem().items) == items  # nothing added per epoch
    x, y = plot.curve_loss.getData()
    assert list(x) == [1, 2, 3] and list(y) == [0.5, 0.4, 0.3]
    assert list(plot.curve_val.getData()[1]) == [0.6, 0.45, 0.5]
    assert plot.best() == 2  # lowest validation loss, not lowest training loss
    assert plot.best_line.isVisible() and plot.best_line.value() == 2
    assert "2" in plot.best_label.toPlainText()
    assert not plot.placeholder.isVisible()


def test_a_new_run_starts_over_and_clear_empties(qtbot):
    plot = _plot(qtbot)
    for epoch in (1, 2, 3):
        plot.add_epoch({"epoch": epoch, "loss": 1.0 / epoch, "val_loss": None})
    plot.add_epoch({"epoch": 1, "loss": 0.9, "val_loss": None})  # e.g. next group of auto
    assert plot.epochs == [1]
    assert plot.curve_val.getData()[0] is None or len(plot.curve_val.getData()[0]) == 0
    plot.clear()
    assert plot.epochs == [] and plot.placeholder.isVisible()
    assert not plot.best_line.isVisible()


def test_history_with_nan_and_without_validation(qtbot):
    plot = _plot(qtbot)
    plot.set_history([{"epoch": 1, "loss": 0.5}, {"epoch": 2, "loss": float("nan")},
                      {"epoch": 3, "loss": 0.2}])  # fmt: skip
    assert plot.best() == 3  # training loss used when there is no validation loss
    assert math.isnan(plot.curve_loss.getData()[1][1])
    assert best_epoch([], []) is None
    assert best_epoch([0.3, 0.1], [None, None]) == 1


def test_texts_are_set(qtbot):
    plot = _plot(qtbot)
    plot.retranslate()
    axis = plot.plot.getPlotItem().getAxis("bottom")
    assert axis.labelText == "Epoch"
    labels = [label.text for _, label in plot.legend.items]
    assert labels == ["Training loss", "Validation loss"]


def test_a_run_on_to_the_latest_data_follows_the_first(qtbot):
    """Epochs 1-3 up to the backtest cutoff, 4-5 on all the data: one axis, a dotted
    line before epoch 4, and the best epoch taken from the second run only (its
    validation periods are later, so the first run's lower loss does not count)."""
    plot = _plot(qtbot)
    for epoch, val in [(1, 0.5), (2, 0.3), (3, 0.35)]:
        plot.add_epoch({"epoch": epoch, "loss": val, "val_loss": val})
    assert plot.final_start() is None and not plot.final_line.isVisible()
    for epoch, val in [(4, 0.42), (5, 0.4)]:
        plot.add_epoch({"epoch": epoch, "loss": val, "val_loss": val, "part": "final"})
    assert plot.epochs == [1, 2, 3, 4, 5] and plot.final_start() == 3
    assert plot.final_line.isVisible() and plot.final_line.value() == 3.5
    axis = plot.plot.getPlotItem().getAxis("bottom")
    assert "dotted line" in axis.labelText
    x, y = plot.curve_val.getData()  # a gap between the runs: no line joins them
    assert list(x) == [1, 2, 3, 3.5, 4, 5] and math.isnan(y[3]) and y[4] == 0.42
    assert plot.best() == 5 and plot.best_line.value() == 5
    plot.set_history([{"epoch": 1, "loss": 0.2, "val_loss": 0.2, "part": "cutoff"},
                      {"epoch": 2, "loss": 0.3, "val_loss": 0.3, "part": "final"},
                      {"epoch": 3, "loss": 0.25, "val_loss": 0.28, "part": "final"}])  # fmt: skip
    assert plot.final_start() == 1 and plot.best() == 3
    plot.set_history([{"epoch": 1, "loss": 0.2}])
    assert plot.final_start() is None and not plot.final_line.isVisible()
    assert axis.labelText == "Epoch"
