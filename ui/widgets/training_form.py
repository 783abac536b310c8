"""The training settings form: model, horizon, epochs, intervals and folded-away details.

:meth:`TrainingForm.settings` turns the form into a :class:`~core.analysis.pipeline.TrainSettings`
and :meth:`TrainingForm.load_settings` fills it from one. The deep-model details (units,
layers, lookback, dropout, learning rate, batch size), the seed, the baselines and the
backtest folds sit in a collapsible "Advanced settings" section.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.forecast import (
    BASELINE_MODELS,
    DEEP_MODELS,
    ENSEMBLE_MODELS,
    TREE_MODELS,
    TrainSettings,
    default_horizon,
    display_name,
)
from core.periods import period_days
from ui.i18n import core_lang

__all__ = ["TrainingForm", "MODELS", "DEEP_CHOICES"]

#: The model choices in the order the form offers them: deep models, gradient boosting,
#: the ensemble, ``auto``, baselines (the names come from core.forecast; a new model needs
#: only its display text in :meth:`TrainingForm.retranslate`).
MODELS = (*DEEP_MODELS, *TREE_MODELS, *ENSEMBLE_MODELS, "auto", *BASELINE_MODELS)
#: Choices that use the deep-model settings (``ensemble`` and ``auto`` train an LSTM too).
DEEP_CHOICES = ("lstm", "gru", *ENSEMBLE_MODELS, "auto")
_LEVELS = (50, 80, 90, 95)
_FIELDS = ("model", "horizon", "epochs", "levels", "units", "layers", "lookback", "dropout",
           "lr", "batch", "seed", "baselines", "folds")  # fmt: skip


def _spin(low, high, step=1, decimals=None) -> QSpinBox | QDoubleSpinBox:
    box = QSpinBox() if decimals is None else QDoubleSpinBox()
    if decimals is not None:
        box.setDecimals(decimals)
    box.setRange(low, high)
    box.setSingleStep(step)
    return box


class TrainingForm(QWidget):
    """Training settings with good defaults and tooltips (see module doc)."""

    #: The chosen model changed (the view enables Tune for deep models only).
    sig_model_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.freq: str | None = None
        self.labels = {key: QLabel() for key in _FIELDS}
        self.model_combo = QComboBox()
        for name in MODELS:
            self.model_combo.addItem("", name)
        # the settings column is 390 px: the closed box shows what fits, its list all
        self.model_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.model_combo.setMinimumContentsLength(16)
        self.horizon, self.epochs = _spin(1, 730), _spin(1, 500)
        self.level_boxes = {lv: QCheckBox(f"{lv}%") for lv in _LEVELS}
        self.units, self.layers, self.lookback = _spin(4, 1024, 8), _spin(1, 4), _spin(0, 1460)
        self.dropout = _spin(0.0, 0.8, 0.05, 3)
        self.lr = _spin(0.00001, 0.1, 0.0005, 5)
        self.batch, self.seed, self.folds = _spin(8, 8192, 32), _spin(0, 2**31 - 1), _spin(1, 10)
        self.baseline_boxes = {name: QCheckBox() for name in BASELINE_MODELS}
        self.fields = {"model": self.model_combo, "horizon": self.horizon, "epochs": self.epochs,
                       "units": self.units, "layers": self.layers, "lookback": self.lookback,
                       "dropout": self.dropout, "lr": self.lr, "batch": self.batch,
                       "seed": self.seed, "folds": self.folds}  # fmt: skip
        self._build()
        self.model_combo.currentIndexChanged.connect(self._model_changed)
        self.adv_toggle.toggled.connect(self.show_advanced)
        for box in self.level_boxes.values():
            box.toggled.connect(self._keep_one_level)
        self.retranslate()
        self.load_settings(TrainSettings())

    def _build(self) -> None:
        self.main_box = QGroupBox()
        form = QFormLayout(self.main_box)
        levels = QHBoxLayout()
        for box in self.level_boxes.values():
            levels.addWidget(box)
        levels.addStretch()
        for key in ("model", "horizon", "epochs"):
            form.addRow(self.labels[key], self.fields[key])
        form.addRow(self.labels["levels"], levels)
        self.adv_toggle = QToolButton(checkable=True, arrowType=Qt.ArrowType.RightArrow)
        self.adv_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.adv_toggle.setObjectName("advancedToggle")
        self.adv_toggle.setAutoRaise(True)
        self.adv_box = QWidget()
        adv = QFormLayout(self.adv_box)
        adv.setContentsMargins(12, 0, 0, 0)
        for key in ("units", "layers", "lookback", "dropout", "lr", "batch", "seed"):
            adv.addRow(self.labels[key], self.fields[key])
        grid = QGridLayout()
        for i, box in enumerate(self.baseline_boxes.values()):
            grid.addWidget(box, i // 2, i % 2)
        adv.addRow(self.labels["baselines"], grid)
        adv.addRow(self.labels["folds"], self.folds)
        self.adv_box.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.main_box)
        layout.addWidget(self.adv_toggle)
        layout.addWidget(self.adv_box)

    # ------------------------------------------------------------------- text
    def retranslate(self) -> None:
        """Labels, tooltips and model names in the current language."""
        texts = {
            "model": (self.tr("Model"), self.tr("Which forecaster to train. The LSTM learns from all products at once and uses calendar, festival, promotion and price features.")),
            "horizon": (self.tr("Forecast horizon"), self.tr("How far ahead to forecast; the backtest holds out this many of the latest periods.")),
            "epochs": (self.tr("Epochs (max.)"), self.tr(
                "Most passes over the training windows before the backtest periods; training stops earlier once the validation loss stops improving (and on a small shop after about 5 draws of every window). The same network then trains on the latest data for the epochs left, at least a quarter as many."
            )),
            "levels": (self.tr("Intervals"), self.tr("Prediction intervals to compute: an 80% interval should contain 8 of 10 actual values.")),
            "units": (self.tr("Units"), self.tr("Width of the recurrent layer. More units learn more patterns but train slower and can overfit.")),
            "layers": (self.tr("Layers"), self.tr("Stacked recurrent layers. One is enough for most shops.")),
            "lookback": (self.tr("Lookback"), self.tr("Past periods the network reads for each forecast.")),
            "dropout": (self.tr("Dropout"), self.tr("Share of connections switched off while training, against overfitting.")),
            "lr": (self.tr("Learning rate"), self.tr("Step size of the optimiser. Lower it when the loss jumps around or becomes NaN.")),
            "batch": (self.tr("Batch size"), self.tr("Training windows per optimiser step.")),
            "seed": (self.tr("Random seed"), self.tr("The same seed and settings train the same model again.")),
            "baselines": (self.tr("Compare with"), self.tr("Simple models the backtest compares yours with. A model is only worth using if it beats them.")),
            "folds": (self.tr("Backtest folds"), self.tr("How many past cut-off dates to test on. More folds give a surer comparison but take longer.")),
        }  # fmt: skip
        for key, (text, tip) in texts.items():
            self.labels[key].setText(text)
            self.labels[key].setToolTip(tip)
            if key in self.fields:
                self.fields[key].setToolTip(tip)
        models = {
            "lstm": (self.tr("LSTM (global, recommended)"), self.tr("One neural network for all products; learns shared seasonality, festivals and promotion effects.")),
            "gru": (self.tr("GRU (global)"), self.tr("Like the LSTM with a lighter cell; often trains a little faster.")),
            "lgbm": (self.tr("LightGBM (global, gradient boosting)"), self.tr("One gradient-boosted tree model for all products; learns from recent sales, calendar, festivals, promotions and prices. Trains in seconds to minutes.")),
            "ensemble": (self.tr("Ensemble (LSTM + LightGBM + best statistical model)"), self.tr("Trains the LSTM, LightGBM and the best statistical model of each product, and takes the median of their forecasts and bands for each day. Slower than the LSTM alone, rarely worse than its best member.")),
            "auto": (self.tr("Auto (best per product by backtest)"), self.tr("Backtests the candidates on each group of products and uses the group's best for each product, unless another model beat it on that product in every backtest window; then scales each model's forecasts by what sold against what it forecast in that backtest.")),
            "ets": (self.tr("ETS (exponential smoothing)"), self.tr("Classic per-product model of level, trend and season, fitted without the shop's festival lift (Double 11, holidays), which is put back into its forecast. Fast and solid.")),
            "snaive": (self.tr("Seasonal naive"), self.tr("Repeats the last season (e.g. the same weekday last week). The simplest benchmark.")),
            "mstl": (self.tr("MSTL (several seasons)"), self.tr("Separates weekly and yearly seasons and forecasts each.")),
            "croston": (self.tr("Croston (slow movers)"), self.tr("For products with many zero-sales days.")),
            "tsb": (self.tr("TSB (slow movers, fading)"), self.tr("Like Croston, but lets demand fade for products that are dying out.")),
            "adida": (self.tr("ADIDA (slow movers, aggregated)"), self.tr("Adds up slow sales into bigger buckets before forecasting.")),
        }  # fmt: skip
        for i, name in enumerate(MODELS):
            self.model_combo.setItemText(i, models[name][0])
            self.model_combo.setItemData(i, models[name][1], Qt.ItemDataRole.ToolTipRole)
        # the open list shows every name in full
        metrics = self.model_combo.fontMetrics()
        widest = max(metrics.horizontalAdvance(models[name][0]) for name in MODELS)
        self.model_combo.view().setMinimumWidth(widest + 32)
        for name, box in self.baseline_boxes.items():
            box.setText(display_name(name, core_lang()))
        self.lookback.setSpecialValueText(self.tr("Default"))
        self.main_box.setTitle(self.tr("Model settings"))
        self.adv_toggle.setText(self.tr("Advanced settings"))
        self._update_units()

    def _update_units(self) -> None:
        days = period_days(self.freq) if self.freq else 0.0
        units = {1.0: self.tr(" days"), 7.0: self.tr(" weeks"), 30.44: self.tr(" months")}
        suffix = units.get(days, self.tr(" periods"))
        self.horizon.setSuffix(suffix)
        self.lookback.setSuffix(suffix)

    # --------------------------------------------------------------- settings
    def model(self) -> str:
        return str(self.model_combo.currentData())

    def is_deep(self) -> bool:
        return self.model() in DEEP_CHOICES

    def set_freq(self, freq: str | None, settings: TrainSettings) -> None:
        """The data's frequency: units of horizon and lookback, default horizon."""
        self.freq = freq
        if freq:
            self.horizon.setValue(settings.horizon_for(freq))
        self._update_units()

    def settings(self, base: TrainSettings | None = None) -> TrainSettings:
        """The form as :class:`TrainSettings`; fields it lacks are taken from ``base``."""
        horizon = self.horizon.value()
        return replace(
            base or TrainSettings(), model=self.model(),
            horizon=None if self.freq and horizon == default_horizon(self.freq) else horizon,
            levels=[lv for lv, box in self.level_boxes.items() if box.isChecked()],
            epochs=self.epochs.value(), units=self.units.value(), layers=self.layers.value(),
            lookback=self.lookback.value() or None, dropout=round(self.dropout.value(), 4),
            learning_rate=self.lr.value(), batch_size=self.batch.value(),
            random_state=self.seed.value(), folds=self.folds.value(),
            baselines=[n for n, box in self.baseline_boxes.items() if box.isChecked()],
        )  # fmt: skip

    def load_settings(self, settings: TrainSettings) -> None:
        """Fill the form from ``settings``."""
        self.model_combo.setCurrentIndex(max(self.model_combo.findData(settings.model), 0))
        if self.freq:
            self.horizon.setValue(settings.horizon_for(self.freq))
        for lv, box in self.level_boxes.items():
            box.setChecked(lv in settings.levels)
        values = {"epochs": settings.epochs, "units": settings.units, "layers": settings.layers,
                  "lookback": settings.lookback or 0, "dropout": settings.dropout,
                  "lr": settings.learning_rate, "batch": settings.batch_size,
                  "seed": settings.random_state, "folds": settings.folds}  # fmt: skip
        for key, value in values.items():
            self.fields[key].setValue(value)
        for name, box in self.baseline_boxes.items():
            box.setChecked(name in settings.baselines)
        self._model_changed()

    # ------------------------------------------------------------------ slots
    @Slot(bool)
    def show_advanced(self, shown: bool) -> None:
        """Unfold (or fold) the advanced settings."""
        if self.adv_toggle.isChecked() != shown:
            self.adv_toggle.setChecked(shown)
        self.adv_box.setVisible(shown)
        self.adv_toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    @Slot()
    def _keep_one_level(self) -> None:
        if not any(box.isChecked() for box in self.level_boxes.values()):
            self.level_boxes[80].setChecked(True)

    @Slot()
    def _model_changed(self) -> None:
        deep = self.is_deep()
        for key in ("epochs", "units", "layers", "lookback", "dropout", "lr", "batch"):
            self.fields[key].setEnabled(deep)
        self.sig_model_changed.emit(self.model())
