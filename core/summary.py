"""A plain summary of an imported dataset, for ``inspect`` and the GUI's status bar."""

from __future__ import annotations

from core.dataset import Dataset
from core.validation import FREQ_NAMES, freq_kind


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


def format_summary(summary: dict, lang: str = "both") -> str:
    """Human-readable text of :func:`dataset_summary` with the validation report."""
    from core.report import Finding, Report

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
        f"频率 frequency:   {zh_freq} / {en_freq} ({summary['frequency']})",
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
