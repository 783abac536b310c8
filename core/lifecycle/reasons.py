"""Why a product is in its stage, and how sure that is: the words of the stage table.

:func:`describe` writes the reason in English and Chinese, one sentence each with the
numbers behind it (the 8-week change of de-seasonalised, promotion-free sales, the
share of the fitted peak, the peak's date), plus a note when the recent change points
the other way from the stage; :func:`no_change_note` says when no next stage is in sight. :func:`stage_confidence` weighs the margin to the stage
thresholds against the noise of the fit and the length of the history.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.lifecycle.curve import LifeFit
from core.lifecycle.product import INTRO_MAX, MATURE_MIN, Product

__all__ = ["describe", "no_change_note", "peak_date", "stage_confidence"]

_DAY = pd.Timedelta(days=1).value


def stage_confidence(prod: Product, stage: str) -> float:
    """How sure the stage is: margin to the thresholds over the noise, and history."""
    if stage in ("new", "inactive"):
        return 0.95
    fit = prod.fit
    if fit is None:
        return 0.3
    share = float(fit.share(fit.t_last))
    bounds = {"introduction": [INTRO_MAX], "growth": [INTRO_MAX, MATURE_MIN]}
    margin = min(abs(np.log(share / b)) for b in bounds.get(stage, [MATURE_MIN]))
    n = int((prod.rates.days > 0).sum())
    noise = fit.scale / np.sqrt(min(n, 6)) + 0.15
    sure = 0.5 * (1 + np.tanh(1.2 * margin / noise))
    if stage in ("introduction", "growth") and fit.t_peak > fit.t_last:
        sure *= 0.9  # the peak is extrapolated
    return float(np.clip(sure * (0.6 + 0.4 * min(1.0, n / 12)), 0.05, 0.99))


def peak_date(fit: LifeFit | None):
    """Day of the fitted curve's peak (``NaT`` without a curve)."""
    if fit is None:
        return pd.NaT
    return pd.Timestamp(int(fit.t_peak * _DAY)).normalize()


def _change_8w(prod: Product) -> float:
    """Relative change of de-seasonalised, promotion-free sales: last 4 weeks vs 8 before."""
    r, fit = prod.rates, prod.fit
    adjust = fit.seasonal(r.t) * np.exp(fit.promo * r.promo + r.known)
    end = r.t[-1]

    def level(lo, hi):
        keep = (r.t > end - hi) & (r.t <= end - lo) & (r.days > 0)
        days = r.days[keep].sum()
        return (r.units[keep] / adjust[keep]).sum() / days if days > 0 else np.nan

    now, then = level(0, 28), level(56, 84)
    return float(now / then - 1) if then and np.isfinite(then) and then > 0 else np.nan


def describe(prod: Product, stage: str) -> dict:
    """``reason_en``, ``reason_zh`` (one sentence each, with the numbers) and ``change_8w``."""
    end = prod.end.date()
    if stage == "new":
        days = (prod.end - prod.first).days + 1
        first = prod.first.date()
        en = f"only {days} days of sales history (first sale {first}); too early to judge"
        zh = f"仅有 {days} 天销售记录（首次销售 {first}），尚无法判断阶段"
        return {"reason_en": en, "reason_zh": zh, "change_8w": np.nan}
    if stage == "inactive":
        last = prod.last_sale.date() if prod.last_sale is not None else prod.first.date()
        days = (end - last).days
        en, zh = (
            f"no sales for {days} days (last sale {last})",
            f"已 {days} 天无销售（最后销售 {last}）",
        )
        return {"reason_en": en, "reason_zh": zh, "change_8w": np.nan}
    if prod.fit is None:
        en, zh = "too few periods to fit a life curve", "数据期数太少，无法拟合生命周期曲线"
        return {"reason_en": en, "reason_zh": zh, "change_8w": np.nan}
    change = _change_8w(prod)
    return {**_curve_reason(prod, change, stage), "change_8w": round(change, 3)}


def no_change_note(prod: Product, stage: str, nxt, with_forecast: bool) -> dict | None:
    """``reason_en``/``reason_zh`` to add when a curve stage has no next stage in sight
    (``None`` otherwise, and without a curve, which dates nothing)."""
    if nxt is not None or prod.fit is None or stage not in ("introduction", "growth", "maturity"):
        return None
    if with_forecast:
        return {"reason_en": "no change of stage expected within the forecast",
                "reason_zh": "预测期内预计不会进入下一阶段"}  # fmt: skip
    return {"reason_en": "no change of stage expected within a year",
            "reason_zh": "一年内预计不会进入下一阶段"}  # fmt: skip


# Notes added when the 8-week change points the other way from the stage (sign of the
# change, size it must reach): the stage comes from the whole curve, and an operator
# reading "decline, sales up 89%" needs to know why.
_AGAINST = {
    "decline": (1, 0.05, "still below the peak despite the recent rise",
                "近期虽有回升，但仍低于峰值"),
    "maturity": (-1, 0.25, "not yet enough evidence of a decline", "尚不足以判定进入衰退期"),
    "growth": (-1, 0.05, "a short dip: the fitted curve still rises", "短期回落，拟合曲线仍在上升"),
}  # fmt: skip
_AGAINST["introduction"] = _AGAINST["growth"]


def _curve_reason(prod: Product, change: float, stage: str) -> dict:
    fit = prod.fit
    share = round(100 * float(fit.share(fit.t_last)))
    peak = peak_date(fit).date()
    en, zh = [], []
    if np.isfinite(change):
        pct = round(abs(change) * 100)
        if pct < 5:
            en.append("sales flat over the last 8 weeks")
            zh.append("近 8 周销量基本持平")
        else:
            en.append(f"sales {'up' if change > 0 else 'down'} {pct}% over the last 8 weeks")
            zh.append(f"近 8 周销量{'上升' if change > 0 else '下降'} {pct}%")
    en.append(f"{share}% of the fitted peak")
    zh.append(f"达到拟合峰值的 {share}%")
    if fit.t_peak > fit.t_last:
        en.append(f"peak expected around {peak}")
        zh.append(f"预计峰值约在 {peak}")
    elif fit.plateau_end >= fit.t_last:
        # a plateau still going: "peak around 2014" alone reads as long past, and a
        # peak placed before the first row is no date the data can tell
        since = max(peak, prod.first.date())
        en.append(f"at its peak level since around {since}")
        zh.append(f"自 {since} 前后一直处于峰值水平")
    else:
        en.append(f"peak around {peak}")
        zh.append(f"峰值约在 {peak}")
    sign, size, note_en, note_zh = _AGAINST.get(stage, (1, np.inf, "", ""))
    if np.isfinite(change) and sign * change >= size:
        en.append(note_en)
        zh.append(note_zh)
    return {"reason_en": "; ".join(en), "reason_zh": "；".join(zh)}
