"""Why a product is in its stage: the words of the stage table, with the numbers behind them.

:func:`describe` writes one sentence in English and one in Chinese from the reading
(:mod:`core.lifecycle.reading`) the stage came from: the weekly growth of the level
over the last 4 weeks, its change over 8 weeks, its share of the peak and the peak's
date, the weeks since launch; and what was taken out before reading it (its own
yearly season, days read as sold out). The words always follow the stage: a change
that points the other way is said to be within the noise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.lifecycle.product import Product
from core.lifecycle.reading import DECLINE_SHARE, SETTLED_WEEKS

__all__ = ["change_8w", "describe", "no_change_note", "peak_date"]

_DAY = pd.Timedelta(days=1).value


def change_8w(prod: Product) -> float:
    """Relative change of the product's level over the last 8 weeks (NaN if unknown)."""
    tr = prod.trend
    if tr is None:
        return np.nan
    back = np.searchsorted(tr.t, tr.t[-1] - 56 + 1e-6)
    if back >= len(tr.t) - 1:
        return np.nan
    return float(np.exp(tr.level[-1] - tr.level[back]) - 1)


def peak_date(prod: Product):
    """Mid-date of the period with the highest level so far (``NaT`` without a level)."""
    if prod.reading is None:
        return pd.NaT
    t = prod.trend.t[int(prod.reading.peak_at[-1])]
    return pd.Timestamp(int(t * _DAY)).normalize()


def describe(prod: Product, stage: str) -> dict:
    """``reason_en``, ``reason_zh`` (one sentence each, with the numbers) and ``change_8w``."""
    if stage == "new":
        days = (prod.end - prod.first).days + 1
        first = prod.first.date()
        en = f"only {days} days of sales history (first sale {first}); too early to judge"
        zh = f"仅有 {days} 天销售记录（首次销售 {first}），尚无法判断阶段"
        return {"reason_en": en, "reason_zh": zh, "change_8w": np.nan}
    if stage == "inactive":
        last = prod.last_sale.date() if prod.last_sale is not None else prod.first.date()
        days = (prod.end.date() - last).days
        en, zh = f"no sales for {days} days (last sale {last})", f"已 {days} 天无销售（最后销售 {last}）"
        return {"reason_en": en, "reason_zh": zh, "change_8w": np.nan}
    if prod.reading is None:
        en, zh = "too few sales periods to read a trend", "销售期数太少，无法判断趋势"
        return {"reason_en": en, "reason_zh": zh, "change_8w": np.nan}
    change = change_8w(prod)
    en, zh = _level_words(prod, stage, change)
    en, zh = en + _cleaning_words(prod, "en"), zh + _cleaning_words(prod, "zh")
    return {"reason_en": "; ".join(en), "reason_zh": "；".join(zh), "change_8w": round(change, 3)}


def _level_words(prod: Product, stage: str, change: float) -> tuple[list, list]:
    rd = prod.reading
    weekly = round(100 * float(np.expm1(rd.growth[-1])), 1)
    share = round(100 * float(rd.share[-1]))
    peak = peak_date(prod).date()
    age = int(rd.age[-1])
    en, zh = [], []
    if stage in ("introduction", "growth"):
        en.append(f"sales rising {weekly}% a week over the last 4 weeks")
        zh.append(f"近 4 周销量每周增长 {weekly}%")
        en.append(f"first sale {age} weeks ago")
        zh.append(f"首次销售距今 {age} 周")
        if share < 95:
            en.append(f"at {share}% of its earlier peak ({peak}): a new rise")
            zh.append(f"为此前峰值（{peak}）的 {share}%：再次上升")
    elif stage == "maturity":
        # said only where it kept the product out of decline (far enough below its peak)
        excused = float(rd.share[-1]) <= DECLINE_SHARE
        season = excused and rd.repeat is not None and bool(rd.repeat[-1])
        if season:
            en.append(f"sales down {abs(weekly)}% a week over the last 4 weeks")
            zh.append(f"近 4 周销量每周下降 {abs(weekly)}%")
        elif abs(weekly) < 1.0:
            en.append("sales level flat over the last 4 weeks")
            zh.append("近 4 周销量水平持平")
        else:
            word_en, word_zh = ("up", "上升") if weekly > 0 else ("down", "下降")
            en.append(f"sales {word_en} {abs(weekly)}% a week, within the noise of its sales")
            zh.append(f"销量每周{word_zh} {abs(weekly)}%，在正常波动范围内")
        en.append(f"{share}% of its peak level ({peak})")
        zh.append(f"为峰值水平（{peak}）的 {share}%")
        if excused and not season and rd.settled is not None and rd.settled[-1]:
            weeks = int(SETTLED_WEEKS)
            en.append(f"at this level for over {weeks} weeks: a new plateau, not a decline")
            zh.append(f"已在此水平保持超过 {weeks} 周：新的平台期，并非衰退")
        if season:
            year = round(100 * float(rd.year_share[-1]))
            en.append(f"the same fall as a year before ({year}% of the level then): its season, not a decline")
            zh.append(f"与一年前同期的下降相同（为当时水平的 {year}%）：属季节性波动，并非衰退")
    else:
        en.append(f"{share}% of its peak level ({peak})")
        zh.append(f"为峰值水平（{peak}）的 {share}%")
        if weekly < 0:
            en.append(f"falling {abs(weekly)}% a week over the last 4 weeks")
            zh.append(f"近 4 周每周下降 {abs(weekly)}%")
        else:
            en.append("well below its peak and not recovering")
            zh.append("远低于峰值且未见回升")
    if np.isfinite(change) and stage not in ("maturity",):
        pct = round(abs(change) * 100)
        en.append(f"{'up' if change > 0 else 'down'} {pct}% over 8 weeks")
        zh.append(f"8 周{'上升' if change > 0 else '下降'} {pct}%")
    return en, zh


def _cleaning_words(prod: Product, lang: str) -> list[str]:
    out = []
    if prod.trend is not None and prod.trend.seasonal:
        out.append("its own yearly season taken out" if lang == "en" else "已剔除其自身的年度季节性")
    quiet = prod.rates.quiet
    if quiet:
        unit = "days" if prod.freq == "D" else "periods"
        if lang == "en":
            out.append(f"{quiet} {unit} without sales read as sold out")
        else:
            out.append(f"{quiet} 个{'周期' if unit == 'periods' else '天'}无销售视为缺货")
    return out


def no_change_note(prod: Product, stage: str, nxt, with_forecast: bool) -> dict | None:
    """``reason_en``/``reason_zh`` to add when a rising or mature product has no next
    stage in sight (``None`` otherwise)."""
    if nxt is not None or prod.reading is None or stage not in ("introduction", "growth", "maturity"):
        return None
    if with_forecast:
        return {"reason_en": "no change of stage expected within the forecast",
                "reason_zh": "预测期内预计不会进入下一阶段"}  # fmt: skip
    if stage == "maturity":
        return {"reason_en": "no sign of a decline yet (too few finished products in the shop to date one)",
                "reason_zh": "尚无衰退迹象（店内已完成生命周期的商品太少，无法推算日期）"}  # fmt: skip
    return {"reason_en": "no end of the rise in sight", "reason_zh": "暂未看到上升结束的迹象"}
