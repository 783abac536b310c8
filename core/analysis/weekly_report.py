"""The printable weekly report: the Overview, the purchase orders and the forecast
accuracy over time in one self-contained HTML file.

:func:`report_html` turns a :class:`WeeklyReport` (what one planning run made: the
:class:`~core.analysis.overview.Overview`, the :class:`~core.recommend.PurchaseOrders`,
the archive's scores of :func:`~core.analysis.archive_score.score_runs` and
:func:`~core.analysis.archive_score.worst_products`) into one HTML page, and
:func:`write_report` writes it atomically (a temporary file beside it, then renamed).

The page needs nothing else: the CSS is inline, with ``@media print`` rules (A4, the
purchase orders and the accuracy each on a new page, cards, rows and charts never split
across pages); the charts are inline SVG drawn here in plain Python
(:func:`stage_mix_svg`, :func:`accuracy_svg`); there is no JavaScript, no image file and
no link to fetch. A browser prints it, or saves it as PDF.

Every value that comes from the data (product names and IDs, suppliers, notes, file
names) is HTML-escaped. A part with nothing to show says so in a sentence (no archive
yet, fewer than two scored runs, no supplier table, nothing to order) instead of an
empty chart or table.

Language: ``"en"``, ``"zh"`` or ``"both"``. ``both`` gives every label as
``中文 / English`` (:data:`core.text.CELL`), as the bilingual headers of the CLI's files
do. The Overview's texts are the window's (its zh_CN translation); stage names are
:data:`core.lifecycle.STAGE_NAMES`, model names :func:`core.forecast.display_name`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import pandas as pd

from core.analysis.overview import Overview
from core.analysis.report_charts import accuracy_svg, stage_mix_svg
from core.analysis.report_texts import say, stage_name
from core.data import replace_file
from core.errors import InputError
from core.forecast import display_name
from core.recommend import PurchaseOrders
from core.text import CELL

__all__ = ["WeeklyReport", "accuracy_svg", "report_html", "stage_mix_svg", "write_report"]

#: Products listed on an Overview card, and worst-forecast products listed.
LISTED, WORST = 5, 10
#: Columns of an order's lines in the report: (line field, numeric).
ORDER_COLUMNS = (("product_id", False), ("name", False), ("quantity", True),
                 ("unit_cost", True), ("line_value", True), ("arrival_date", False))  # fmt: skip
_CSS = """
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC","Segoe UI",sans-serif;
 color:#222;margin:24px auto;max-width:1000px;padding:0 16px;line-height:1.4}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:18px;border-bottom:2px solid #3182bd;padding-bottom:3px;margin:28px 0 10px}
h3{font-size:15px;margin:16px 0 6px}
.meta,.note,.empty{color:#555;font-size:13px}.empty{font-style:italic}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:10px}
.card{border:1px solid #c8d3de;border-radius:6px;padding:8px 10px}
.card .num{font-size:24px;font-weight:bold}.card .title{font-weight:bold;font-size:13px}
.card .fig{font-size:12px;color:#444}.card ul{margin:4px 0 0;padding-left:16px;font-size:12px}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:18px}
table{border-collapse:collapse;font-size:12px;margin:4px 0 10px}
th,td{border:1px solid #c8d3de;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#eef3f8}td.n{text-align:right;font-variant-numeric:tabular-nums}
tfoot td{font-weight:bold;background:#f7f7f7}
svg{max-width:100%;height:auto}
@page{size:A4;margin:12mm}
@media print{body{margin:0;max-width:none;padding:0}
 section.page{break-before:page;page-break-before:always}
 .card,.order,tr,svg,.pair{break-inside:avoid;page-break-inside:avoid}
 thead{display:table-header-group}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""


@dataclass
class WeeklyReport:
    """What one weekly planning run shows (any part may be missing).

    Attributes
    ----------
    as_of : pandas.Timestamp
        The data end.
    source, model : str
        The sales file's name and the model's (``ets``, ``lstm`` ...).
    overview : Overview, optional
    orders : PurchaseOrders, optional
    suppliers_given : bool
        Whether the orders came with a supplier table.
    accuracy : pandas.DataFrame, optional
        ``score_runs``' per-run table; None when there is no archive yet.
    worst : pandas.DataFrame, optional
        ``worst_products``' table.
    names : dict
        Product ID -> product name.
    made_at : str
        When the report was made (shown as given).
    """

    as_of: pd.Timestamp
    source: str = ""
    model: str = ""
    overview: Overview | None = None
    orders: PurchaseOrders | None = None
    suppliers_given: bool = False
    accuracy: pd.DataFrame | None = None
    worst: pd.DataFrame | None = None
    names: dict = field(default_factory=dict)
    made_at: str = ""


# ------------------------------------------------------------------------- formatting
def _e(value) -> str:
    return escape("" if value is None else str(value), quote=True)


def _finite(value) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _num(value, fmt: str = ",.2f") -> str:
    return format(float(value), fmt) if _finite(value) else "–"


def _qty(value) -> str:
    return _num(value, ",.0f" if _finite(value) and float(value).is_integer() else ",.2f")


def _day(value) -> str:
    stamp = pd.Timestamp(value) if value is not None and not pd.isna(value) else None
    return "" if stamp is None else stamp.strftime("%Y-%m-%d")


def _in(lang: str, make) -> str:
    """``make(lang)``; for ``both`` ``make("zh") / make("en")``, so that a text built from
    other texts does not give each of them in both languages again."""
    if lang != "both":
        return make(lang)
    zh, en = make("zh"), make("en")
    return en if en == zh else f"{zh}{CELL}{en}"


def _model(name: str, lang: str) -> str:
    return say(lang, "plain", en=display_name(name, "en"), zh=display_name(name, "zh"))


def _table(head: list[str], rows: list[list[str]], numeric=(), foot: str = "") -> str:
    """A table of already-escaped cells; columns ``numeric`` right-aligned."""
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>"
                                    for i, c in enumerate(row)) + "</tr>" for row in rows)  # fmt: skip
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody>{foot}</table>"


def _empty(lang: str, key: str, **kw) -> str:
    return f'<p class="empty">{_e(say(lang, key, **kw))}</p>'


def _product(uid: str, names: dict) -> str:
    name = names.get(str(uid), "")
    return _e(f"{name} ({uid})" if name and name != str(uid) else uid)


# ------------------------------------------------------------------------- overview
def _money(item, lang: str) -> str:
    if item.value_basis == "units" or item.value is None:
        return say(lang, "units_no_price", u=f"{item.figures.get('units', 0):,.0f}")
    basis = {"cost": "at_cost", "price": "at_price"}.get(item.value_basis, "at_cost_price")
    return f"{item.value:,.0f} {say(lang, basis)}"


def _figure(item, lang: str) -> str:
    f, key = item.figures, item.key
    if key == "order":
        return say(lang, "order_value", v=_money(item, lang))
    if key == "excess":
        if not item.count:
            return say(lang, "over_days", d=f"{f['days']:.0f}")
        return say(lang, "over_days_value", d=f"{f['days']:.0f}", v=_money(item, lang),
                   m=f"{f['median_days']:,.0f}")  # fmt: skip
    if key == "stage_changed":
        if "since" not in f:
            return say(lang, "no_earlier")
        return say(lang, "since_run" if f["source"] == "archive" else "since_week", date=f["since"])
    if key == "promote":
        if "festival_en" not in f:
            return say(lang, "no_festival")
        return say(lang, "festival_on", date=f["festival_date"],
                   name=say(lang, "plain", en=f["festival_en"], zh=f["festival_zh"]))  # fmt: skip
    if key == "accuracy":
        source = (say(lang, "last_run", date=f.get("data_end", "")[:10])
                  if f.get("source") == "archive" else say(lang, "backtest"))  # fmt: skip
        return say(lang, "accuracy_fig", source=source, model=_model(f.get("model", ""), lang),
                   mase=_num(f.get("mase"), ".2f"))  # fmt: skip
    return say(lang, {"stockout_now": "no_stock", "stockout_lead": "short_stock",
                      "decline_soon": "plan_clearance"}[key])  # fmt: skip


def _detail(item, uid: str, ov: Overview, lang: str) -> str:
    value, key = item.detail.get(uid), item.key
    if key in ("order", "stockout_now"):
        return say(lang, "order_n", n=f"{value:,.0f}") if _finite(value) and value > 0 else ""
    if key in ("stockout_lead", "decline_soon"):
        return say(lang, "out_on" if key == "stockout_lead" else "from_on", date=value) \
            if isinstance(value, str) else ""  # fmt: skip
    if key == "excess":
        return say(lang, "days", d=f"{value:,.0f}") if _finite(value) else say(lang, "no_sales")
    if key == "stage_changed":
        now = ov.table.set_index("unique_id")["stage"].get(uid, "")
        return f"{stage_name(value, lang)} → {stage_name(now, lang)}"
    return "" if value is None else str(value)


def _card(item, ov: Overview, names: dict, lang: str) -> str:
    if item.key == "accuracy":
        number = "–" if item.value is None else f"{item.value:.0%}"
    else:
        number = f"{item.count:,}"
    lines = []
    for uid in item.ids[:LISTED]:
        detail = _in(lang, lambda lg, uid=uid: _detail(item, uid, ov, lg))
        lines.append(_product(uid, names) + (f" ({_e(detail)})" if detail else ""))
    if item.count > LISTED and item.key != "accuracy":
        lines.append(_e(say(lang, "more", n=item.count - LISTED)))
    head = f'<div class="fig">{_e(say(lang, "worst_forecast"))}</div>' \
        if item.key == "accuracy" and item.ids else ""  # fmt: skip
    listed = "".join(f"<li>{line}</li>" for line in lines)
    return (f'<div class="card" data-item="{_e(item.key)}"><div class="num">{_e(number)}</div>'
            f'<div class="title">{_e(say(lang, "item_" + item.key))}</div>'
            f'<div class="fig">{_e(_in(lang, lambda lg: _figure(item, lg)))}</div>{head}'
            + (f"<ul>{listed}</ul>" if listed else "") + "</div>")  # fmt: skip


def _abc_html(ov: Overview, lang: str) -> str:
    counts = ov.abc_xyz
    head = [""] + [_e(say(lang, f"xyz_{x}")) for x in counts.columns]
    rows = [[_e(say(lang, f"abc_{a}"))] + [f"{int(counts.loc[a, x]):,}" for x in counts.columns]
            for a in counts.index]  # fmt: skip
    note = say(lang, "last_52")
    if ov.abc_basis == "units":
        note += " " + say(lang, "abc_units")
    return _table(head, rows, numeric=range(1, 4)) + f'<p class="note">{_e(note)}</p>'


def _overview_html(report: WeeklyReport, lang: str) -> str:
    ov = report.overview
    title = f"<h2>{_e(say(lang, 'overview'))}</h2>"
    if ov is None:
        return f'<section id="overview">{title}{_empty(lang, "no_overview")}</section>'
    intro = say(lang, "overview_intro", n=f"{len(ov.table):,}", date=f"{ov.as_of:%Y-%m-%d}")
    cards = "".join(_card(item, ov, report.names, lang) for item in ov.items)
    mix = stage_mix_svg(ov.stage_mix, lang) or _empty(lang, "no_stages")
    return (f'<section id="overview">{title}<p class="meta">{_e(intro)}</p>'
            f'<div class="cards">{cards}</div><div class="pair">'
            f'<div><h3>{_e(say(lang, "stage_mix"))}</h3>{mix}</div>'
            f'<div><h3>{_e(say(lang, "abc_title"))}</h3>{_abc_html(ov, lang)}</div>'
            "</div></section>")  # fmt: skip


# --------------------------------------------------------------------------- orders
def _order_html(total, lines: pd.DataFrame, lang: str) -> str:
    who = total["supplier"] or say(lang, "no_supplier")
    code = f" ({total['supplier_code']})" if total["supplier_code"] else ""
    head = [_e(say(lang, "f_" + f)) for f, _ in ORDER_COLUMNS]
    rows = [[_qty(r[f]) if f == "quantity" else _num(r[f]) if num else _e(r[f])
             for f, num in ORDER_COLUMNS] for _, r in lines.iterrows()]  # fmt: skip
    value = total["value"]
    shown = _num(value) if _finite(value) else _e(say(lang, "no_unit_cost"))
    foot = (f'<tfoot><tr class="total" data-order="{_e(total["order_no"])}" '
            f'data-value="{_num(value, ".2f")}" data-quantity="{float(total["quantity"]):g}">'
            f'<td colspan="2">{_e(say(lang, "total"))}</td><td class="n">{_qty(total["quantity"])}'
            f'</td><td></td><td class="n">{shown}</td><td></td></tr></tfoot>')  # fmt: skip
    meta = say(lang, "order_meta", date=total["order_date"], first=total["first_arrival"],
               last=total["last_arrival"], n=int(total["lines"]))  # fmt: skip
    return (f'<div class="order"><h3>{_e(total["order_no"])} · {_e(who)}{_e(code)}</h3>'
            f'<p class="meta">{_e(meta)}</p>{_table(head, rows, {2, 3, 4}, foot)}</div>')  # fmt: skip


def _orders_html(report: WeeklyReport, lang: str) -> str:
    orders = report.orders
    parts = [f"<h2>{_e(say(lang, 'orders'))}</h2>"]
    if orders is None:
        parts.append(_empty(lang, "no_orders"))
    elif not len(orders.lines):
        parts.append(_empty(lang, "nothing_to_order"))
    else:
        value = orders.total_value
        intro = _in(lang, lambda lg: say(lg, "orders_intro", k=len(orders.totals),
                                         n=len(orders.lines), v=_num(value) if _finite(value)
                                         else say(lg, "no_unit_cost")))  # fmt: skip
        parts.append(f'<p class="meta" data-total="{_num(value, ".2f")}">{_e(intro)}</p>')
    notes = [] if orders is None else [say(lang, "plain", en=en, zh=zh) for en, zh in orders.notes]
    if orders is not None and orders.budget is not None:
        notes.insert(0, say(lang, "budget", b=f"{orders.budget:,.2f}"))
    if not report.suppliers_given:
        notes.append(say(lang, "no_supplier_table"))
    parts += [f'<p class="note">{_e(n)}</p>' for n in notes]
    if orders is not None:
        for _, total in orders.totals.iterrows():
            mine = orders.lines[orders.lines["order_no"] == total["order_no"]]
            parts.append(_order_html(total, mine, lang))
    return f'<section id="orders" class="page">{"".join(parts)}</section>'


# ------------------------------------------------------------------------- accuracy
def _runs_table(runs: pd.DataFrame, lang: str) -> str:
    keys = ("data_end", "model", "products", "n", "mase", "snaive_mase", "fva", "bias", "hit_80")
    rows = []
    for _, r in runs.iterrows():
        rows.append([_day(r["data_end"]), _e(_model(str(r["model"]), lang)), f"{int(r['products'])}",
                     f"{int(r['n']):,}", _num(r["mase"], ".3f"), _num(r["snaive_mase"], ".3f"),
                     _num(r["fva"], "+.1%"), _num(r["bias"], "+.1%"), _num(r["hit_80"], ".0%")])  # fmt: skip
    return _table([_e(say(lang, "c_" + k)) for k in keys], rows, numeric=range(2, 9))


def _worst_html(report: WeeklyReport, lang: str) -> str:
    worst = report.worst
    title = f"<h3>{_e(say(lang, 'worst_title'))}</h3>"
    if worst is None or worst.empty:
        return title + _empty(lang, "no_worst")
    reason = {"en": "reason_en", "zh": "reason_zh"}
    rows = []
    for _, r in worst.head(WORST).iterrows():
        why = say(lang, "plain", en=r["reason_en"], zh=r["reason_zh"]) if lang == "both" \
            else r[reason[lang]]  # fmt: skip
        rows.append([_product(r["unique_id"], report.names), _day(r["data_end"]),
                     _num(r["mase"], ".2f"), _num(r["total_error"], ".0%"),
                     _e(why if r["reason_en"] else say(lang, "no_reason"))])  # fmt: skip
    head = [_e(say(lang, k)) for k in ("c_product", "c_data_end", "c_mase", "c_total_error",
                                       "c_reason")]  # fmt: skip
    return title + _table(head, rows, numeric={2, 3})


def _accuracy_html(report: WeeklyReport, lang: str) -> str:
    parts = [f"<h2>{_e(say(lang, 'accuracy'))}</h2>"]
    runs = report.accuracy
    if runs is None:
        parts.append(_empty(lang, "no_archive"))
        return f'<section id="accuracy" class="page">{"".join(parts)}</section>'
    scored = runs[(runs["n"] > 0) & runs["mase"].map(_finite)]
    chart = accuracy_svg(runs, lang)
    parts.append(chart or _empty(lang, "few_runs", k=len(scored), n=len(runs)))
    parts.append(f'<p class="note">{_e(say(lang, "accuracy_note"))}</p>')
    if len(runs):
        parts.append(_runs_table(runs, lang))
    parts.append(_worst_html(report, lang))
    return f'<section id="accuracy" class="page">{"".join(parts)}</section>'


# ----------------------------------------------------------------------------- page
def report_html(report: WeeklyReport, lang: str = "en") -> str:
    """The whole report as one HTML document (see module doc)."""
    if lang not in ("en", "zh", "both"):
        raise InputError(f"Report language {lang!r}: use en, zh or both.",
                         f"报告语言 {lang!r}：请使用 en、zh 或 both。")  # fmt: skip
    title = say(lang, "title")
    meta = _in(lang, lambda lg: say(lg, "meta", date=_day(report.as_of),
                                    source=report.source or "–", made=report.made_at or "–",
                                    model=_model(report.model, lg) if report.model else "–"))  # fmt: skip
    body = _overview_html(report, lang) + _orders_html(report, lang) + _accuracy_html(report, lang)
    return ("<!DOCTYPE html>\n"
            f'<html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)} {_day(report.as_of)}</title><style>{_CSS}</style></head>"
            f'<body><header><h1>{_e(title)}</h1><p class="meta">{_e(meta)}</p></header>'
            f"{body}</body></html>\n")  # fmt: skip


def write_report(path, report: WeeklyReport, lang: str = "en") -> Path:
    """Write :func:`report_html` to ``path`` (UTF-8) atomically; returns the path.

    Raises
    ------
    InputError
        When the folder cannot be written (nothing is left under ``path`` then).
    """
    text = report_html(report, lang)

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)

    return replace_file(Path(path), write)
