"""A plain summary of an imported dataset, for ``inspect`` and the GUI's status bar."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.data.alignment import ModelFrames
from core.data.dataset import Dataset
from core.data.report import Finding, Report
from core.data.validation import FREQ_NAMES, freq_kind


def dataset_summary(dataset: Dataset) -> dict:
    """Everything ``inspect`` reports, as JSON-ready data."""
    first, last = dataset.date_range
    frame = dataset.frame
    return {
        "file": dataset.source.path,
        "format": dataset.source.kind,
        "encoding": dataset.source.encoding,
        "separator": dataset.source.separator,
        "sheet": dataset.source.sheet,
        "header_row": dataset.source.header_row,
        "layout": dataset.source.layout,
        "rows_read": dataset.source.rows_read,
        "mapping": dataset.mapping.to_dict(),
        "frequency": dataset.freq,
        "series": dataset.n_series,
        "rows": int(frame.shape[0]),
        "first_date": first.date().isoformat(),
        "last_date": last.date().isoformat(),
        "total_quantity": float(frame["y"].sum()),
        "errors": len(dataset.report.errors),
        "warnings": len(dataset.report.warnings),
        "report": dataset.report.to_dicts(),
        "roles": {k: v for k, v in dataset.roles.items() if k != "region"},
        "region": dataset.roles.get("region"),
    }


def _mapping_lines(mapping: dict) -> list[str]:
    labels = {
        "date": "日期 date",
        "ids": "商品ID ids",
        "target": "销量 target",
        "price": "价格 price",
        "revenue": "金额 revenue",
        "promo": "促销 promo",
        "stock": "库存 stock",
        "name": "名称 name",
        "category": "类目 category",
        "brand": "品牌 brand",
        "features": "特征 features",
    }
    lines = []
    for key, label in labels.items():
        value = mapping.get(key)
        if value:
            shown = ", ".join(value) if isinstance(value, list) else value
            lines.append(f"  {label:<14} {shown}")
    return lines


_ROLE_LABELS = {
    "date": "日期 date",
    "ids": "商品ID ids",
    "target": "销量 target",
    "price": "价格 price",
    "revenue": "金额 revenue",
    "name": "名称 name",
    "order": "订单 order",
}
_SOURCES = {
    "user": "set by hand 手动指定",
    "header": "header only 仅表头",
    "content": "contents only 仅内容",
    "header+content": "header and contents 表头与内容",
}


def _role_lines(roles: dict) -> list[str]:
    """How sure each role is: ``  日期 date  InvoiceDate  0.93 (header and contents ...)``."""
    lines = []
    for key, label in _ROLE_LABELS.items():
        role = roles.get(key)
        if not role or not role.get("column"):
            continue
        col = role["column"]
        shown = ", ".join(col) if isinstance(col, list) else col
        runner = role.get("runner_up")
        alt = f"; 次选 runner-up: {runner} {role['runner_up_confidence']:.2f}" if runner else ""
        source = _SOURCES.get(role.get("source"), role.get("source"))
        lines.append(f"  {label:<14} {shown}  {role['confidence']:.2f} ({source}{alt})")
    return lines


_SIGNALS = {
    "country": "国家列 country column",
    "currency": "币种列 currency column",
    "symbol": "货币符号 currency signs in",
    "headers": "表头 column names",
}


def _region_line(region: dict | None, lang: str = "both") -> list[str]:
    """The holiday region the data suggests and why (``--region`` changes it); what was
    seen in ``lang`` (``both``: Chinese, then English)."""
    if not region:
        return []
    where = f" '{region['column']}'" if region.get("column") else ""
    signal = _SIGNALS.get(region["signal"], region["signal"])
    en = region["evidence"]
    zh = region.get("evidence_zh") or en  # a summary saved before Chinese evidence
    seen = {"en": en, "zh": zh}.get(lang, en if zh == en else f"{zh} / {en}")
    return [
        f"节假日地区 region: {region['region']}  (建议 suggested: {signal}{where}: "
        f"{seen}; 更改 change: --region)"
    ]


def format_summary(summary: dict, lang: str = "both") -> str:
    """Human-readable text of :func:`dataset_summary` with the validation report."""
    en_freq, zh_freq = FREQ_NAMES[freq_kind(summary["frequency"])]
    sep = {"\t": "tab", None: "-"}.get(summary["separator"], summary["separator"])
    lines = [
        f"文件 file:        {summary['file']}",
        f"格式 format:      {summary['format']}  编码 encoding: {summary['encoding'] or '-'}"
        f"  分隔符 separator: {sep}"
        + (f"  工作表 sheet: {summary['sheet']}" if summary["sheet"] else ""),
        f"布局 layout:      {summary['layout']}  (表头 header row {summary['header_row']},"
        f" {summary['rows_read']} rows read)",
        "列映射 mapping:",
        *_mapping_lines(summary["mapping"]),
        *(
            ["识别把握 how sure (0..1):", *_role_lines(summary["roles"])]
            if summary.get("roles")
            else []
        ),
        f"频率 frequency:   {zh_freq} / {en_freq} ({summary['frequency']})",
        *_region_line(summary.get("region"), lang),
        f"商品数 series:    {summary['series']}",
        f"日期 dates:       {summary['first_date']} .. {summary['last_date']}"
        f"  ({summary['rows']} rows after cleaning)",
        f"总销量 total:     {summary['total_quantity']:,.0f}",
        "",
        f"检查报告 report ({summary['errors']} errors, {summary['warnings']} warnings):",
    ]
    report = Report([Finding(**f) for f in summary["report"]])
    lines.append(report.format(lang))
    return "\n".join(lines)


def sales_ranking(frames: ModelFrames, dataset: Dataset) -> pd.DataFrame:
    """One row per product for pickers: ``unique_id``, ``label``, ``total``, ``last_date``,
    ``category`` (empty when unknown), sorted by total sales, highest first."""
    full = frames.full
    agg = full.groupby("unique_id", sort=False).agg(total=("y", "sum"), last_date=("ds", "max"))
    series = dataset.series.set_index("unique_id")
    out = agg.reset_index()
    names = series["name"] if "name" in series else pd.Series(dtype=object)
    cats = series["category"] if "category" in series else pd.Series(dtype=object)
    out["name"] = out["unique_id"].map(names).fillna("").astype(str)
    out["category"] = out["unique_id"].map(cats).fillna("").astype(str)
    out["label"] = np.where(out["name"] != "", out["unique_id"] + "  " + out["name"],
                            out["unique_id"])  # fmt: skip
    return out.sort_values("total", ascending=False, kind="stable").reset_index(drop=True)
