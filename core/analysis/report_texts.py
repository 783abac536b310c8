"""The words of the weekly report (:mod:`core.analysis.weekly_report`), English and Chinese.

The Overview's texts are the window's own (``ui/views/overview_view.py`` and its zh_CN
translation), the purchase order headers those of
:data:`core.recommend.purchase.LINE_FIELDS`, so the report reads like the rest of SkuCast.
:func:`say` picks a text in ``en``, ``zh`` or ``both`` (``中文 / English``).
"""

from __future__ import annotations

from core.lifecycle import STAGE_NAMES
from core.text import CELL, pick

__all__ = ["TEXTS", "say", "stage_name"]

#: Key -> (English, Chinese), with ``{name}`` fields filled by :func:`say`.
TEXTS: dict[str, tuple[str, str]] = {
    "plain": ("{en}", "{zh}"),
    "title": ("SkuCast weekly report", "SkuCast 每周报告"),
    "meta": ("Data up to {date} · sales file {source} · model {model} · made {made}",
             "数据截至 {date} · 销售文件 {source} · 模型 {model} · 生成于 {made}"),
    # the Overview (the window's texts)
    "overview": ("Overview", "概览"),
    "overview_intro": ("What needs attention now: {n} products, data up to {date}.",
                       "当前需要处理的事项：共 {n} 个商品，数据截至 {date}。"),
    "no_overview": ("No overview: there is no advice yet.", "暂无概览：还没有补货建议。"),
    "item_order": ("To order now", "需立即订货"),
    "item_stockout_now": ("Out of stock now", "当前已断货"),
    "item_stockout_lead": ("Out of stock within the lead time", "交货期内将断货"),
    "item_excess": ("Excess stock", "库存积压"),
    "item_stage_changed": ("Stage changed", "阶段发生变化"),
    "item_decline_soon": ("Entering decline within 8 weeks", "8 周内进入衰退期"),
    "item_promote": ("To promote for the next festival", "下个购物节建议促销"),
    "item_accuracy": ("Forecast accuracy", "预测准确率"),
    "units_no_price": ("{u} units (the data has no prices)", "{u} 件（数据中没有价格）"),
    "at_cost": ("at cost", "按成本计"),
    "at_price": ("at selling price", "按售价计"),
    "at_cost_price": ("at cost, else at selling price", "按成本计（无成本时按售价）"),
    "order_value": ("Order value {v}", "订货金额 {v}"),
    "over_days": ("Over {d} days of cover", "可售天数超过 {d} 天"),
    "over_days_value": ("Over {d} days of cover; value {v}, median {m} days",
                        "可售天数超过 {d} 天；金额 {v}，可售天数中位数 {m} 天"),
    "no_earlier": ("No earlier run to compare with.", "没有可比较的上次运行。"),
    "since_run": ("Since the last run ({date})", "自上次运行（{date}）以来"),
    "since_week": ("Since {date} (a week ago)", "自 {date}（一周前）以来"),
    "no_festival": ("No shopping festival in the next 60 days.", "未来 60 天内没有购物节。"),
    "festival_on": ("{name} on {date}", "{name}（{date}）"),
    "last_run": ("Last run ({date})", "上次运行（{date}）"),
    "backtest": ("Backtest", "回测预测"),
    "accuracy_fig": ("{source}, {model}: MASE {mase}", "{source}，{model}：MASE {mase}"),
    "no_stock": ("No stock on hand.", "现有库存为 0。"),
    "short_stock": ("Stock lasts less than the lead time.", "库存撑不到交货期结束。"),
    "plan_clearance": ("Plan the clearance; stop reordering.", "请安排清仓，停止补货。"),
    "order_n": ("order {n}", "订 {n}"),
    "out_on": ("out {date}", "{date} 断货"),
    "from_on": ("from {date}", "{date} 起"),
    "days": ("{d} days", "{d} 天"),
    "no_sales": ("no sales expected", "预计无销售"),
    "more": ("... and {n} more", "……另有 {n} 个"),
    "worst_forecast": ("Worst forecast:", "预测偏差最大："),
    "stage_mix": ("Products by lifecycle stage", "各生命周期阶段的商品数"),
    "no_stages": ("No lifecycle stages.", "没有生命周期阶段。"),
    "abc_title": ("ABC (share of sales value) x XYZ (demand variability)",
                  "ABC（销售额占比）× XYZ（需求波动）"),
    "abc_A": ("A: top 80% of value", "A：销售额前 80%"),
    "abc_B": ("B: next 15%", "B：其后 15%"),
    "abc_C": ("C: last 5%", "C：最后 5%"),
    "xyz_X": ("X: steady (CV up to 0.5)", "X：平稳（变异系数 ≤ 0.5）"),
    "xyz_Y": ("Y: variable (0.5 to 1)", "Y：波动（0.5 至 1）"),
    "xyz_Z": ("Z: erratic (above 1, or new)", "Z：不规则（大于 1 或新品）"),
    "last_52": ("Last 52 weeks of sales.", "按最近 52 周的销售计算。"),
    "abc_units": ("ABC by units sold: the data has no prices.", "数据中没有价格，ABC 按销量计算。"),
    # the purchase orders (the headers of core.recommend.purchase.LINE_FIELDS)
    "orders": ("Purchase orders", "采购单"),
    "orders_intro": ("{k} purchase orders, {n} lines, total value {v}.",
                     "共 {k} 张采购单、{n} 行，总金额 {v}。"),
    "order_meta": ("Order date {date}; expected arrival {first} .. {last}; {n} lines",
                   "下单日期 {date}；预计到货 {first} 至 {last}；共 {n} 行"),
    "f_product_id": ("Product ID", "商品编码"),
    "f_name": ("Product name", "商品名称"),
    "f_quantity": ("Quantity", "数量"),
    "f_unit_cost": ("Unit cost", "单价"),
    "f_line_value": ("Line value", "金额"),
    "f_arrival_date": ("Expected arrival", "预计到货日期"),
    "total": ("Total", "合计"),
    "no_supplier": ("(no supplier)", "（未指定供应商）"),
    "no_unit_cost": ("no unit cost", "无单价"),
    "budget": ("Budget for all orders: {b}.", "所有采购单的预算：{b}。"),
    "no_orders": ("No purchase orders were made.", "未生成采购单。"),
    "nothing_to_order": ("Nothing to order now.", "目前无需订货。"),
    "no_supplier_table": ("No supplier table: one order without a supplier, no unit costs.",
                          "未提供供应商表：所有商品合为一张无供应商、无单价的采购单。"),
    # the accuracy over time
    "accuracy": ("Forecast accuracy over time", "预测准确率变化"),
    "no_archive": ("No forecast archive yet: accuracy shows once an archived forecast can "
                   "be compared with what sold.",
                   "尚无预测存档：存档的预测可以与实际销量对比后，这里将显示准确率。"),
    "few_runs": ("{k} of {n} archived runs scored so far: the chart needs at least two. It "
                 "fills in as each week's sales come in.",
                 "{n} 次存档运行中已有 {k} 次得到评分：图表至少需要两次，"
                 "随着每周销量的到来会逐步补全。"),
    "accuracy_note": ("MASE: the forecast's mean absolute error over that of a seasonal naive "
                      "forecast on the product's own history up to the run (below 1, the "
                      "dashed line, is better). The seasonal naive line is the seasonal naive "
                      "forecast archived beside each run, scored the same way; FVA (forecast "
                      "value added) = 1 − MAE / its MAE: above 0 the model did better. Bias: "
                      "total forecast / total sales − 1. 80% hit: share of the sales inside "
                      "the 80% interval. –: not scored yet.",
                      "MASE：预测的平均绝对误差除以季节性朴素法在该商品截至本次运行的历史上的"
                      "误差（小于 1 即虚线以下更好）。季节性朴素法曲线是与每次运行一同存档的"
                      "季节性朴素预测，按同样方法评分；FVA（预测增值）= 1 − MAE / 其 MAE："
                      "大于 0 表示模型更好。偏差：预测总量 / 实际总量 − 1。80% 命中率：实际"
                      "销量落在 80% 区间内的比例。–：尚未评分。"),
    "chart_accuracy": ("MASE of each archived run", "每次存档运行的 MASE"),
    "chart_one": ("1 = seasonal naive in-sample", "1 = 季节性朴素法样本内误差"),
    "c_data_end": ("Data up to", "数据截至"),
    "c_model": ("Model", "模型"),
    "c_products": ("Products", "商品数"),
    "c_n": ("Points scored", "已评分点数"),
    "c_mase": ("MASE", "MASE"),
    "c_snaive_mase": ("Seasonal naive MASE", "季节性朴素法 MASE"),
    "c_fva": ("FVA", "预测增值 FVA"),
    "c_bias": ("Bias", "偏差"),
    "c_hit_80": ("80% hit", "80% 区间命中率"),
    "c_product": ("Product", "商品"),
    "c_total_error": ("Total error", "总量误差"),
    "c_reason": ("Likely reason", "可能原因"),
    "worst_title": ("Worst-forecast products", "预测偏差最大的商品"),
    "no_worst": ("No product scored yet: the archived forecasts' dates are not in the sales "
                 "yet.", "尚无商品得到评分：存档预测的日期还不在销售数据中。"),
    "no_reason": ("no reason seen in the data", "数据中未见明显原因"),
}  # fmt: skip


def say(lang: str, key: str, **fields) -> str:
    """The text ``key`` in ``lang`` (``both``: ``中文 / English``, or the one text where
    both languages say the same, as ``MASE`` or ``ETS``), fields filled in."""
    en, zh = (text.format(**fields) for text in TEXTS[key])
    return en if en == zh else pick(lang, en, zh, sep=CELL)


def stage_name(code, lang: str) -> str:
    """A lifecycle stage's display name (the code itself for an unknown stage)."""
    if code is None or (isinstance(code, float) and code != code):
        return "–"
    en, zh = STAGE_NAMES.get(str(code), (str(code), str(code)))
    return pick(lang, en, zh, sep=CELL)
