"""The weekly report's charts as inline SVG, drawn in plain Python (no plotting library).

:func:`stage_mix_svg` draws the products per lifecycle stage as horizontal bars;
:func:`accuracy_svg` the MASE of each archived run, one line per model and one for the
seasonal naive archived beside it, with a dashed line at 1 (as good as the seasonal naive
on the product's own history). Each returns an ``<svg>`` element to put inside an HTML
page (no XML prolog, no external reference, every text escaped), or ``""`` when there is
nothing to draw: the caller says so in words. Bars, lines and points carry ``data-``
attributes with their values, so a test (or a reader of the file) can check them.
"""

from __future__ import annotations

import math
from html import escape

import numpy as np
import pandas as pd

from core.analysis.report_texts import say, stage_name
from core.forecast import display_name

__all__ = ["STAGE_COLOURS", "accuracy_svg", "stage_mix_svg"]

#: Bar colour of each lifecycle stage (grey for any other).
STAGE_COLOURS = {"new": "#74c476", "introduction": "#9ecae1", "growth": "#31a354",
                 "maturity": "#3182bd", "decline": "#e6550d", "inactive": "#969696"}  # fmt: skip
#: Line colours of the models, in the order they first appear; the seasonal naive's.
MODEL_COLOURS = ("#1f77b4", "#9467bd", "#2ca02c", "#d62728", "#8c564b")
NAIVE_COLOUR = "#ff7f0e"
_DASHED = 'stroke="#555" stroke-width="1.2" stroke-dasharray="6 4"'
_FONT = 12


def _e(value) -> str:
    return escape(str(value), quote=True)


def _width(text: str, size: float = _FONT) -> float:
    """Rough width of ``text`` in pixels (CJK characters are about square)."""
    return sum(size if ord(c) >= 0x2E80 else 0.58 * size for c in text)


def _open(width: float, height: float, label: str, cls: str) -> str:
    return (f'<svg class="{cls}" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
            f'height="{height:.0f}" role="img" aria-label="{_e(label)}" '
            f'font-size="{_FONT}" font-family="inherit"><title>{_e(label)}</title>')  # fmt: skip


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>'
            f"{_e(text)}</text>")  # fmt: skip


def stage_mix_svg(mix: dict, lang: str = "en") -> str:
    """Horizontal bars of ``mix`` (stage -> products), in its order; ``""`` when empty."""
    if not mix:
        return ""
    labels = [stage_name(s, lang) for s in mix]
    counts = [int(n) for n in mix.values()]
    label_w = min(220.0, max(60.0, max(_width(t) for t in labels) + 14))
    bar_w, row, pad = 300.0, 26.0, 8.0
    top = max(max(counts), 1)
    width, height = label_w + bar_w + 60, 2 * pad + row * len(counts)
    parts = [_open(width, height, say(lang, "stage_mix"), "stage-mix")]
    for i, (stage, label, n) in enumerate(zip(mix, labels, counts, strict=True)):
        y, length = pad + i * row, bar_w * n / top
        colour = STAGE_COLOURS.get(str(stage), "#bdbdbd")
        parts += [_text(label_w - 8, y + row / 2 + 4, label, "end"),
                  f'<rect class="bar" data-stage="{_e(stage)}" data-count="{n}" '
                  f'x="{label_w:.1f}" y="{y + 4:.1f}" width="{length:.1f}" '
                  f'height="{row - 8:.1f}" fill="{colour}"/>',
                  _text(label_w + length + 6, y + row / 2 + 4, f"{n:,}")]  # fmt: skip
    return "".join(parts) + "</svg>"


def _ticks(top: float) -> list[float]:
    """0, a round step, ... up to the first tick at or above ``top`` (at most 7 ticks)."""
    scale = 10 ** math.floor(math.log10(top / 6))
    step = next(s * scale for s in (1, 2, 2.5, 5, 10) if top / (s * scale) <= 6)
    return [round(step * i, 10) for i in range(int(math.ceil(top / step - 1e-9)) + 1)]


def _series(runs: pd.DataFrame, lang: str) -> tuple[list, list[tuple[str, str, str, dict]]]:
    """The data ends shown and ``(key, label, colour, {end: mase})`` per line."""
    mase = pd.to_numeric(runs["mase"], errors="coerce")
    ok = runs[(pd.to_numeric(runs["n"], errors="coerce") > 0) & np.isfinite(mase)]
    ok = ok.sort_values(["data_end", "run_id"], kind="stable")
    ends = list(dict.fromkeys(pd.to_datetime(ok["data_end"])))
    lines = []
    for i, (model, part) in enumerate(ok.groupby("model", sort=False)):
        label = say(lang, "plain", en=display_name(model, "en"), zh=display_name(model, "zh"))
        values = dict(
            zip(pd.to_datetime(part["data_end"]), part["mase"].astype(float), strict=True)
        )
        lines.append((f"model:{model}", label, MODEL_COLOURS[i % len(MODEL_COLOURS)], values))
    naive = ok.assign(snaive_mase=pd.to_numeric(ok["snaive_mase"], errors="coerce"))
    naive = naive[np.isfinite(naive["snaive_mase"])].groupby("data_end")["snaive_mase"].first()
    if len(naive):
        label = say(lang, "plain", en=display_name("snaive", "en"), zh=display_name("snaive", "zh"))
        lines.append(("snaive", label, NAIVE_COLOUR,
                      {pd.Timestamp(k): float(v) for k, v in naive.items()}))  # fmt: skip
    return ends, lines


class _Plot:
    """Where a data end and a MASE land on the accuracy chart."""

    width, left, right, bottom, inner = 640.0, 52.0, 36.0, 46.0, 184.0

    def __init__(self, ends: list, ticks: list[float], top: float = 40.0) -> None:
        self.ends, self.ticks, self.ymax = ends, ticks, ticks[-1]
        self.top, self.height = top, top + self.inner + self.bottom

    def x(self, end) -> float:
        span = self.width - self.left - self.right
        return self.left + span * self.ends.index(end) / (len(self.ends) - 1)

    def y(self, v: float) -> float:
        span = self.height - self.top - self.bottom
        return self.top + span * (1 - v / self.ymax)


def _axes(plot: _Plot, lang: str) -> list[str]:
    """Grid lines with their values, the dashed line at 1, the dates below."""
    right, parts = plot.width - plot.right, []
    for t in plot.ticks:
        parts += [f'<line x1="{plot.left}" y1="{plot.y(t):.1f}" x2="{right}" '
                  f'y2="{plot.y(t):.1f}" stroke="#e3e8ee"/>',
                  _text(plot.left - 6, plot.y(t) + 4, f"{t:g}", "end")]  # fmt: skip
    parts.append(f'<line class="one" x1="{plot.left}" y1="{plot.y(1):.1f}" x2="{right}" '
                 f'y2="{plot.y(1):.1f}" {_DASHED}/>')  # fmt: skip
    every = max(1, math.ceil(len(plot.ends) / 7))
    for i, end in enumerate(plot.ends):
        if i % every == 0 or i == len(plot.ends) - 1:
            parts.append(_text(plot.x(end), plot.height - plot.bottom + 16, f"{end:%Y-%m-%d}",
                               "middle", ' font-size="10"'))  # fmt: skip
    parts.append(_text(plot.left + (right - plot.left) / 2, plot.height - 8,
                       say(lang, "c_data_end"), "middle", ' fill="#555" font-size="11"'))  # fmt: skip
    return parts


def _line(plot: _Plot, key: str, label: str, colour: str, vals: dict) -> list[str]:
    """One series: its polyline (values in ``data-values``) and a point per data end."""
    shown = [e for e in plot.ends if e in vals]
    points = " ".join(f"{plot.x(e):.1f},{plot.y(vals[e]):.1f}" for e in shown)
    data = ",".join(f"{vals[e]:.6g}" for e in shown)
    return [f'<polyline class="series" data-series="{_e(key)}" data-values="{data}" '
            f'points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>',
            *(f'<circle cx="{plot.x(e):.1f}" cy="{plot.y(vals[e]):.1f}" r="3" fill="{colour}">'
              f"<title>{_e(f'{e:%Y-%m-%d} {label}: {vals[e]:.3f}')}</title></circle>"
              for e in shown)]  # fmt: skip


def _legend(entries: list[tuple[str, str]]) -> tuple[list[str], int]:
    """``(label, stroke attributes)`` side by side above the plot, in as many rows as
    the width needs; returns the parts and the rows."""
    parts, x, row = [], _Plot.left, 0
    for label, stroke in entries:
        size = 27 + _width(label)
        if x > _Plot.left and x + size > _Plot.width - _Plot.right:
            x, row = _Plot.left, row + 1
        y = 16 + 18 * row
        parts += [f'<line x1="{x:.1f}" y1="{y}" x2="{x + 22:.1f}" y2="{y}" {stroke}/>',
                  _text(x + 27, y + 4, label)]  # fmt: skip
        x += size + 18
    return parts, row + 1


def accuracy_svg(runs: pd.DataFrame | None, lang: str = "en") -> str:
    """A line chart of each scored run's MASE (``score_runs``' per-run table: ``run_id,
    data_end, model, n, mase, snaive_mase``), one line per model and one for the seasonal
    naive, a dashed line at 1; ``""`` when fewer than two data ends are scored."""
    if runs is None or runs.empty:
        return ""
    ends, lines = _series(runs, lang)
    if len(ends) < 2:
        return ""
    values = [v for *_, vals in lines for v in vals.values()]
    entries = [(label, f'stroke="{colour}" stroke-width="2"') for _, label, colour, _ in lines]
    legend, rows = _legend([*entries, (say(lang, "chart_one"), _DASHED)])
    plot = _Plot(ends, _ticks(max(1.25, 1.1 * max(values))), top=22.0 + 18 * rows)
    parts = [_open(plot.width, plot.height, say(lang, "chart_accuracy"), "accuracy"), *legend]
    parts += _axes(plot, lang)
    for key, label, colour, vals in lines:
        parts += _line(plot, key, label, colour, vals)
    return "".join(parts) + "</svg>"
