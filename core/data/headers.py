"""Which role a column's header names: the synonym tables and header matching.

Headers are matched against English and Chinese names that shop back-ends
really use (Taobao/Tmall, JD, Pinduoduo, Amazon, Shopify, ERPs), first exactly
and then by containment, after dropping units in brackets (``销量(件)``) and
case, spaces and punctuation (:func:`normalize_header`). The sales file
(:mod:`core.data.schema`), wide tables and the side files all read headers this way.
"""

from __future__ import annotations

import re

__all__ = ["ROLE_ORDER", "SYNONYMS", "match_headers", "normalize_header"]

# Ordered by preference within each role.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": (
        "日期",
        "统计日期",
        "销售日期",
        "付款时间",
        "订单付款时间",
        "支付时间",
        "下单时间",
        "订单创建时间",
        "创建时间",
        "成交时间",
        "下单日期",
        "时间",
        "date",
        "ds",
        "day",
        "orderdate",
        "invoicedate",
        "saledate",
        "paidat",
        "purchasedate",
        "createdat",
        "salesdate",
        "week",
        "month",
        "period",
        "timestamp",
        "time",
    ),
    "store": (
        "店铺",
        "店铺名称",
        "店铺id",
        "门店",
        "门店编号",
        "门店名称",
        "仓库",
        "store",
        "storeid",
        "storenbr",
        "shop",
        "shopid",
        "location",
        "warehouse",
    ),
    "item": (
        "sku",
        "skuid",
        "sku编码",
        "商家编码",
        "商品编码",
        "商家sku",
        "货号",
        "商品货号",
        "商品id",
        "宝贝id",
        "商品编号",
        "规格id",
        "款号",
        "规格编码",
        "商品条码",
        "stockcode",
        "productcode",
        "itemcode",
        "merchantsku",
        "itemid",
        "item",
        "productid",
        "product",
        "asin",
        "sellersku",
        "lineitemsku",
        "variantsku",
        "itemnbr",
        "id",
        "unique_id",
        "uniqueid",
        "series",
        "款式编码",
        "商品",
    ),
    "target": (
        "销量",
        "销售数量",
        "销售量",
        "数量",
        "件数",
        "购买数量",
        "宝贝数量",
        "商品数量",
        "成交件数",
        "成交数量",
        "售出数量",
        "支付件数",
        "出库数量",
        "实发数量",
        "发货数量",
        "sales",
        "quantity",
        "qty",
        "pcs",
        "units",
        "unitssold",
        "sold",
        "lineitemquantity",
        "quantitypurchased",
        "quantityordered",
        "unitsordered",
        "demand",
        "y",
        "volume",
    ),
    "price": (
        "单价",
        "价格",
        "售价",
        "成交价",
        "商品价格",
        "销售单价",
        "price",
        "unitprice",
        "sellprice",
        "sellingprice",
        "lineitemprice",
        "rate",
    ),
    "revenue": (
        "实付金额",
        "支付金额",
        "实收金额",
        "成交金额",
        "销售额",
        "销售金额",
        "金额",
        "gmv",
        "revenue",
        "amount",
        "salesamount",
        "grossamt",
        "grossamount",
        "orderedproductsales",
        "itemprice",
        "total",
        "subtotal",
    ),
    "promo": (
        "促销",
        "活动",
        "是否促销",
        "活动名称",
        "促销活动",
        "营销活动",
        "参与活动",
        "促销类型",
        "promo",
        "promotion",
        "onpromotion",
        "campaign",
        "event",
        "discount",
    ),
    "stock": (
        "库存",
        "可用库存",
        "现有库存",
        "库存数量",
        "实际库存",
        "期末库存",
        "stock",
        "onhand",
        "inventory",
        "stockonhand",
        "qtyonhand",
        "available",
    ),
    "name": (
        "商品名称",
        "宝贝标题",
        "商品标题",
        "宝贝名称",
        "标题",
        "名称",
        "品名",
        "name",
        "title",
        "productname",
        "lineitemname",
        "itemname",
        "producttitle",
        "description",
    ),
    "category": (
        "类目",
        "分类",
        "品类",
        "商品类目",
        "一级类目",
        "叶子类目",
        "类别",
        "category",
        "cat",
        "catid",
        "deptid",
        "dept",
        "department",
        "producttype",
        "family",
    ),
    "brand": ("品牌", "brand", "vendor"),
    "order": (
        "订单号",
        "订单编号",
        "主订单编号",
        "子订单编号",
        "orderid",
        "ordernumber",
        "amazonorderid",
        "invoiceno",
        "invoicenumber",
        "invoice",
        "order",
    ),
    "status": (
        "订单状态",
        "交易状态",
        "子订单状态",
        "退款状态",
        "状态",
        "orderstatus",
        "status",
        "financialstatus",
    ),
    # Not a SkuCast role: named so a customer column is never taken for the product.
    "customer": (
        "买家会员名",
        "买家昵称",
        "会员名",
        "客户",
        "客户名称",
        "customerid",
        "customer",
        "customername",
        "buyer",
        "buyername",
        "buyeremail",
        "email",
    ),
}
#: Roles a column can take once each, in the order they are claimed.
ROLE_ORDER = (
    "date",
    "target",
    "item",
    "store",
    "revenue",
    "price",
    "promo",
    "stock",
    "name",
    "category",
    "brand",
    "order",
    "status",
    "customer",
)
_BRACKETS = re.compile(r"[\(（\[【].*?[\)）\]】]")
_PUNCT = re.compile(r"[\s_\-./:：#]+")


def normalize_header(name: str) -> str:
    """Lower-case, drop bracketed units and punctuation: ``'销量(件)'`` -> ``'销量'``."""
    return _PUNCT.sub("", _BRACKETS.sub("", str(name))).lower()


def match_headers(columns: list[str]) -> dict[str, str]:
    """Role -> column by header name: exact synonym matches first, then containment."""
    norm = {c: normalize_header(c) for c in columns}
    found: dict[str, str] = {}
    used: set[str] = set()
    for contains in (False, True):
        for role in ROLE_ORDER:
            if role in found:
                continue
            for syn in SYNONYMS[role]:
                hit = next(
                    (
                        c
                        for c in columns
                        if c not in used
                        and (
                            norm[c] == syn
                            or (contains and len(syn) >= 2 and not syn.isascii() and syn in norm[c])
                        )
                    ),
                    None,
                )
                if hit:
                    found[role] = hit
                    used.add(hit)
                    break
    return found
