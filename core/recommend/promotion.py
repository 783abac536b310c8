"""Promote, hold or clear: advice per product from its history, stage, stock and forecast.

What the history can tell (:func:`promotion_effects`), per product:

- **uplift**: mean sales on promotion periods over mean sales on ordinary periods near
  them (within ``window`` periods, not in the ``dip`` periods after a promotion), minus 1;
- **post-promotion dip**: the same ratio for the ``dip`` periods right after a promotion;
- **price elasticity**: slope of log sales on log price over ordinary periods (least
  squares), when the price moved by at least 5%.

Each comes with ``evidence`` (``measured``, ``too_few`` or ``no_data``): with fewer than 2 separate
promotions, 3 promotion periods or 10 comparison periods the data cannot tell, and the advice says so
instead of guessing.

Rules (:func:`recommend_promotion`):

- ``clear`` a product in decline whose stock on hand lasts beyond ``clear_days`` at the
  forecast (one that sells out sooner at full price is held: a discount would only give
  margin away), or a growth or maturity product whose stock (on hand and on order) lasts
  beyond ``cover_limit_days``: the whole units above ``cover_limit_days`` of expected
  sales, by ``clear_days`` from now (never "0 units"); the depth is the discount that
  sells the excess in that time at the measured elasticity (capped at 50%), or 20% when
  the elasticity is unknown. ``new`` and ``introduction`` products are never cleared
  (a launch's opening stock is many days of a first, uncertain forecast);
- ``promote`` a growth or maturity product with a measured uplift of at least 10% ahead of
  the next shopping festival within ``lookahead_days`` (or in the next two weeks when
  none), **only when** stock on hand and on order covers the expected sales with the uplift;
- ``hold`` otherwise, with the reason (new product, no measurable uplift, stock too low ...).

Where order lines carry order numbers, a product to promote or clear that has a strong
partner (bought together in at least 5 orders, lift above 1: :mod:`.basket`) is advised with
it (:func:`with_partners`: "promote A with B", 联合促销) and the partner's ID goes in the
``partner`` column.

The sales rate behind every rule is the inventory table's ``demand_per_day`` (the expected
demand of the forecast's first 14 days, :mod:`.demand`) and its ``days_of_cover``; neither
the service level nor the lead time enters, so neither changes the advice (the order-up-to
level and the excess above it are the inventory rule's, not this one's).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.data import sorted_by_product
from core.festivals import black_friday, prime_day
from core.recommend.demand import rate_periods

__all__ = [
    "PromotionOptions",
    "festival_calendar",
    "promotion_effects",
    "recommend_promotion",
    "with_partners",
]

MIN_PROMO_PERIODS = 3
MIN_PROMOTIONS = 2
MIN_BASE_PERIODS = 10
MIN_UPLIFT = 0.10
MAX_DEPTH = 0.5
DEFAULT_DEPTH = 0.2


@dataclass
class PromotionOptions:
    """Thresholds of :func:`recommend_promotion` (see module doc)."""

    cover_limit_days: float = 90.0
    clear_days: int = 30
    lookahead_days: int = 60
    region: str = "CN"


def festival_calendar(start, end, region: str = "CN") -> pd.DataFrame:
    """Shopping festivals between ``start`` and ``end``: ``name_en``, ``name_zh``,
    ``window_start`` (when promotions begin) and ``date`` (the peak day)."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    rows = []
    for year in range(start.year, end.year + 1):
        ts = pd.Timestamp
        if region in ("CN", "intl"):
            rows.append(("Double 11", "双11", ts(year, 10, 20), ts(year, 11, 11)))
        if region == "CN":
            rows.append(("618", "618", ts(year, 6, 1), ts(year, 6, 18)))
            rows.append(("Double 12", "双12", ts(year, 12, 5), ts(year, 12, 12)))
        if region in ("US", "GB", "intl"):
            friday = black_friday(year)
            rows.append(("Black Friday", "黑色星期五", friday - pd.Timedelta(days=7), friday))
            day = prime_day(year)
            rows.append(("Prime Day", "Prime Day", day - pd.Timedelta(days=7), day))
            rows.append(("Christmas", "圣诞节", ts(year, 12, 1), ts(year, 12, 24)))
        if region == "GB":
            rows.append(("Boxing Day", "节礼日", ts(year, 12, 26), ts(year, 12, 26)))
    table = pd.DataFrame(rows, columns=["name_en", "name_zh", "window_start", "date"])
    table = table[(table["date"] >= start) & (table["date"] <= end)]
    return table.sort_values("date", ignore_index=True)


_NO_EFFECTS = {"promo_periods": 0, "uplift": np.nan, "post_dip": np.nan, "elasticity": np.nan,
               "evidence": "no_data", "elasticity_evidence": "no_data"}  # fmt: skip


def _effects_one(y: np.ndarray, promo, price, window: int, dip: int) -> dict:
    """The effects of one product's rows (by date); ``promo``/``price`` ``None``: absent."""
    out = dict(_NO_EFFECTS)
    if promo is not None:
        promo = np.nan_to_num(promo) > 0
        out |= _uplift(y, promo, window, dip)
    else:
        promo = np.zeros(len(y), bool)
    if price is not None:
        out |= _elasticity(y, price, promo)
    return out


def _uplift(y: np.ndarray, promo: np.ndarray, window: int, dip: int) -> dict:
    n = len(y)
    idx = np.flatnonzero(promo)
    out = {"promo_periods": int(idx.size)}
    if idx.size == 0:
        return out | {"evidence": "no_data"}
    ends = idx[~np.isin(idx + 1, idx)]
    after = np.zeros(n, bool)
    for e in ends:
        after[e + 1 : e + 1 + dip] = True
    after &= ~promo
    near = np.zeros(n, bool)
    for i in idx:
        near[max(0, i - window) : i + window + 1] = True
    base = near & ~promo & ~after
    few = idx.size < MIN_PROMO_PERIODS or ends.size < MIN_PROMOTIONS
    if few or base.sum() < MIN_BASE_PERIODS or y[base].mean() <= 0:
        return out | {"evidence": "too_few"}
    level = y[base].mean()
    post = y[after].mean() / level - 1 if after.any() else np.nan
    return out | {"uplift": y[promo].mean() / level - 1, "post_dip": post, "evidence": "measured"}


def _elasticity(y: np.ndarray, price: np.ndarray, promo: np.ndarray) -> dict:
    ok = np.isfinite(price) & (price > 0) & (y > 0) & ~promo
    if ok.sum() < MIN_BASE_PERIODS:
        return {"elasticity_evidence": "too_few"}
    lp, ly = np.log(price[ok]), np.log(y[ok])
    if np.ptp(lp) < np.log(1.05):
        return {"elasticity_evidence": "too_few"}
    slope = np.polyfit(lp, ly, 1)[0]
    return {"elasticity": float(slope), "elasticity_evidence": "measured"}


def promotion_effects(frame: pd.DataFrame, window: int = 28, dip: int = 7) -> pd.DataFrame:
    """Per product: ``promo_periods``, ``uplift``, ``post_dip``, ``elasticity`` and the
    ``evidence`` of each (see module doc). ``window`` and ``dip`` are in periods."""
    codes, ids = pd.factorize(frame["unique_id"], sort=True)
    names = [str(uid) for uid in ids]
    have = [c for c in ("promo", "price") if c in frame]
    if not have:  # nothing to measure: no copy of the shop, no loop over its products
        return pd.DataFrame([{"unique_id": uid, **_NO_EFFECTS} for uid in names])
    # stable, as a sort by both
    order = None if sorted_by_product(frame) else np.lexsort((frame["ds"].to_numpy(), codes))

    def column(col):
        if col not in frame:
            return None
        values = frame[col].astype("float64").to_numpy()  # a nullable flag's NA: NaN
        return values if order is None else values[order]

    y, promo, price = column("y"), column("promo"), column("price")
    bounds = np.searchsorted(codes if order is None else codes[order], np.arange(len(ids) + 1))
    rows = []
    for k, uid in enumerate(names):  # each product's rows are a slice, not a copy
        a, b = bounds[k], bounds[k + 1]
        rows.append({"unique_id": uid, **_effects_one(
            y[a:b], None if promo is None else promo[a:b],
            None if price is None else price[a:b], window, dip)})  # fmt: skip
    return pd.DataFrame(rows)


def recommend_promotion(
    effects: pd.DataFrame,
    stages: pd.DataFrame,
    inventory: pd.DataFrame,
    forecast: pd.DataFrame,
    options: PromotionOptions | None = None,
) -> pd.DataFrame:
    """``promote`` / ``hold`` / ``clear`` per product (see module doc).

    Parameters
    ----------
    effects : pandas.DataFrame
        From :func:`promotion_effects`.
    stages : pandas.DataFrame
        ``unique_id``, ``stage`` (from :mod:`core.lifecycle.stages`).
    inventory : pandas.DataFrame
        From :func:`core.recommend.inventory.recommend_inventory`: ``on_hand``,
        ``on_order``, ``days_of_cover`` and ``demand_per_day`` (without it, the median
        forecast of the first 14 days).
    forecast : pandas.DataFrame
        ``unique_id``, ``ds``, ``forecast`` (median), starting after the last sales date.

    Returns
    -------
    pandas.DataFrame
        ``unique_id``, ``action``, ``window_start``, ``window_end``, ``depth`` (discount,
        0..0.5, for ``clear``), ``uplift``, ``reason_en``, ``reason_zh``.
    """
    options = options or PromotionOptions()
    table = (
        stages[["unique_id", "stage"]]
        .merge(effects, on="unique_id", how="left")
        .merge(inventory.drop(columns=["stage"], errors="ignore"), on="unique_id", how="left")
    )
    start = pd.Timestamp(forecast["ds"].min())
    fests = festival_calendar(
        start, start + pd.Timedelta(days=options.lookahead_days), options.region
    )
    rate = _daily_rates(inventory, forecast)
    return pd.DataFrame(
        [
            _decide(row, start, fests, rate.get(row.unique_id, 0.0), options)
            for row in table.itertuples()
        ]
    )


def _daily_rates(inventory: pd.DataFrame, forecast: pd.DataFrame) -> pd.Series:
    """Sales per day by product (clearance windows and festivals are in days)."""
    step = _period_days(forecast)
    first = forecast.sort_values("ds", kind="stable").groupby("unique_id").head(rate_periods(step))
    rate = first.groupby("unique_id")["forecast"].mean() / step
    if "demand_per_day" in inventory:
        given = inventory.set_index("unique_id")["demand_per_day"].dropna()
        rate = given.combine_first(rate)
    return rate


def _period_days(forecast: pd.DataFrame) -> float:
    """Days per forecast period (1 daily, 7 weekly, ~30 monthly), from the dates."""
    steps = forecast.sort_values("ds").groupby("unique_id")["ds"].diff().dropna()
    return max(float(steps.median() / pd.Timedelta(days=1)), 1.0) if len(steps) else 1.0


def _decide(row, start: pd.Timestamp, fests: pd.DataFrame, rate: float, opt: PromotionOptions):
    stage = row.stage
    on_hand = 0.0 if pd.isna(row.on_hand) else float(row.on_hand)
    # no figure: no sales expected, the stock never moves
    cover = float(row.days_of_cover) if pd.notna(row.days_of_cover) else np.inf
    on_order = 0.0 if pd.isna(row.on_order) else float(row.on_order)
    out = {"unique_id": row.unique_id, "action": "hold", "window_start": None,
           "window_end": None, "depth": 0.0, "uplift": row.uplift}  # fmt: skip
    if stage == "inactive":
        if on_hand >= 1:
            return out | _clear(
                row, start, on_hand, rate, opt, *_why("stopped selling", "已停售", cover)
            )
        return out | _reason(
            "Stopped selling and no stock: nothing to do.", "已停售且无库存：无需操作。"
        )
    if stage in ("new", "introduction"):
        # a launch's opening stock is many days of its first, uncertain forecast:
        # clearing it after a few weeks would kill the product, not free cash
        return out | _reason(
            "New on the market: hold and let demand show itself before promoting.",
            "新品阶段：先观察真实需求，暂不促销。",
        )
    if stage == "decline":
        if on_hand >= 1 and cover > opt.clear_days:
            return out | _clear(
                row, start, on_hand, rate, opt, *_why("declining", "处于衰退期", cover)
            )
        return out | _declining_hold(on_hand, cover)
    # the whole units above cover_limit_days of expected sales, at most those on hand
    excess = np.floor(min(on_hand, on_hand + on_order - opt.cover_limit_days * rate) + 1e-9)
    if cover > opt.cover_limit_days and excess >= 1:
        why = _why(f"{cover:.0f} days of stock cover", f"库存可售 {cover:.0f} 天", cover)
        return out | _clear(row, start, excess, rate, opt, *why)
    if row.evidence != "measured" or not row.uplift >= MIN_UPLIFT:
        if row.evidence == "measured":
            en = f"Past promotions lifted sales only {row.uplift:+.0%}: hold."
            zh = f"以往促销仅带来 {row.uplift:+.0%} 的销量变化：维持现状。"
        else:
            en = (
                "The data cannot tell how promotions work for this product (too few or none): hold."
            )
            zh = "数据不足以判断促销效果（促销次数太少或没有）：维持现状。"
        return out | _reason(en, zh)
    return out | _promote(row, start, fests, rate, opt)


def _why(en: str, zh: str, cover: float) -> tuple[str, str]:
    """Why a product is cleared, saying so where no sales are expected at all."""
    if np.isfinite(cover):
        return en, zh
    if en.endswith("days of stock cover"):
        return "no sales expected", "预计无销售"
    return f"{en}, no sales expected", f"{zh}，预计无销售"


def _declining_hold(on_hand: float, cover: float) -> dict:
    """Reason for a declining product whose stock needs no discount to go."""
    # the reorder reason already says "no safety stock": the stock is run down either way
    if on_hand < 1:
        return _reason("Declining, nothing on hand to clear.", "处于衰退期，无库存需要清仓。")
    return _reason(
        f"Declining, but the {on_hand:.0f} on hand sell at full price in about {cover:.0f} "
        "days: no clearance needed.",
        f"处于衰退期，但现有库存 {on_hand:.0f} 件约 {cover:.0f} 天即可按原价售完：无需清仓。",
    )


def _promote(row, start, fests: pd.DataFrame, rate: float, opt: PromotionOptions) -> dict:
    if len(fests):
        fest = fests.iloc[0]
        begin = max(start, fest["window_start"] - pd.Timedelta(days=7))
        end, name_en, name_zh = fest["date"], fest["name_en"], fest["name_zh"]
    else:
        begin, end, name_en, name_zh = start, start + pd.Timedelta(days=13), None, None
    days = max((end - begin).days + 1, 1)
    need = rate * days * (1 + row.uplift)
    have = (0.0 if pd.isna(row.on_hand) else row.on_hand) + (
        0.0 if pd.isna(row.on_order) else row.on_order
    )
    if have < need:
        # one decimal where whole units would read "stock (6) cannot cover the 6"
        digits = 1 if round(have) == round(need) else 0
        have_s, need_s = f"{have:.{digits}f}", f"{need:.{digits}f}"
        return _reason(
            f"Promotions lift sales {row.uplift:+.0%}, but stock ({have_s}) cannot cover the "
            f"{need_s} expected: hold until the order arrives.",
            f"促销可提升销量 {row.uplift:+.0%}，但库存（{have_s}）不足以覆盖预计的 {need_s}："
            "到货前暂不促销。",
        )
    when_en = f"ahead of {name_en} ({end.date()})" if name_en else "in the next two weeks"
    when_zh = f"在{name_zh}（{end.date()}）之前" if name_zh else "在未来两周内"
    dip = "" if pd.isna(row.post_dip) else f"; expect {row.post_dip:+.0%} after it"
    dip_zh = "" if pd.isna(row.post_dip) else f"；促销后预计 {row.post_dip:+.0%}"
    return {
        "action": "promote",
        "window_start": begin.date().isoformat(),
        "window_end": end.date().isoformat(),
        **_reason(
            f"Promote {when_en}: past promotions lifted sales {row.uplift:+.0%}{dip}; stock "
            f"covers it.",
            f"建议{when_zh}促销：以往促销提升销量 {row.uplift:+.0%}{dip_zh}；库存充足。",
        ),
    }


def _clear(row, start, units: float, rate: float, opt: PromotionOptions, why_en, why_zh) -> dict:
    end = start + pd.Timedelta(days=opt.clear_days - 1)
    expected = rate * opt.clear_days
    needed = units / expected - 1 if expected > 0 else np.inf
    if pd.notna(row.elasticity) and row.elasticity < -0.1 and np.isfinite(needed):
        depth = 1 - (1 + max(needed, 0)) ** (1 / row.elasticity)
        how_en = f"at the measured price elasticity {row.elasticity:.1f}"
        how_zh = f"按测得的价格弹性 {row.elasticity:.1f} 计算"
    else:
        depth = DEFAULT_DEPTH
        how_en, how_zh = "price response unknown, a default depth", "价格弹性未知，采用默认折扣"
    depth = float(min(max(depth, 0.05), MAX_DEPTH))
    return {
        "action": "clear",
        "window_start": start.date().isoformat(),
        "window_end": end.date().isoformat(),
        "depth": round(depth, 2),
        **_reason(
            f"Clear {units:.0f} units by {end.date()} ({why_en}): about {depth:.0%} off, {how_en}.",
            f"{why_zh}：建议在 {end.date()} 前清仓 {units:.0f} 件，售价约为原价的 "
            f"{1 - depth:.0%}（{how_zh}）。",
        ),
    }


def _reason(en: str, zh: str) -> dict:
    return {"reason_en": en, "reason_zh": zh}


def with_partners(advice: pd.DataFrame, partners: pd.DataFrame) -> pd.DataFrame:
    """``advice`` (:func:`recommend_promotion`) naming the partner of each product to
    promote or clear, and a ``partner`` column with its ID (``""`` for none).

    ``partners`` holds ``unique_id``, ``partner``, ``orders_together`` and ``lift``, one row
    per product (:func:`core.recommend.basket.strong_partners`). A product on hold gets
    no partner: the advice is to do nothing with it.
    """
    out = advice.copy()
    if out.empty or partners.empty:
        return out.assign(partner="")
    best = partners.drop_duplicates("unique_id").set_index("unique_id")
    ids = out["unique_id"].astype(str)
    found = ids.isin(best.index) & out["action"].isin(("promote", "clear"))
    out["partner"] = ""
    for i in np.flatnonzero(found.to_numpy()):
        row = best.loc[ids.iloc[i]]
        b, n, lift = row["partner"], int(row["orders_together"]), float(row["lift"])
        if out["action"].iloc[i] == "promote":
            en = f" Promote it with {b}: bought together in {n} orders, lift {lift:.1f}."
            zh = f"建议与 {b} 联合促销：{n} 个订单同时购买，提升度 {lift:.1f}。"
        else:
            en = f" Offer it with {b} to clear it faster: bought together in {n} orders, lift {lift:.1f}."
            zh = f"可与 {b} 搭配促销以加快清仓：{n} 个订单同时购买，提升度 {lift:.1f}。"
        j = out.index[i]
        out.loc[j, "reason_en"] = f"{out.loc[j, 'reason_en']}{en}"
        out.loc[j, "reason_zh"] = f"{out.loc[j, 'reason_zh']}{zh}"
        out.loc[j, "partner"] = str(b)
    return out
