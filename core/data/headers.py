"""Which role a column's header names: the synonym tables and header matching.

Headers are matched against English and Chinese names that shop back-ends
really use (Taobao/Tmall, JD, Pinduoduo, Douyin, Youzan, Amazon, Shopify, eBay,
Shopee, TikTok Shop, Square, the Chinese ERPs), first exactly and then by
containment, after dropping units in brackets (``销量(件)``), case, spaces and
punctuation, and reading traditional characters as simplified
(:func:`normalize_header`). The sales file (:mod:`core.data.schema`), wide tables
and the side files all read headers this way.
"""

from __future__ import annotations

import re

__all__ = [
    "ROLE_ORDER",
    "SYNONYMS",
    "match_headers",
    "names_money",
    "names_role",
    "normalize_header",
]

# Ordered by preference within each role.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": (
        "日期",
        "统计日期",
        "销售日期",
        "付款时间",
        "订单付款时间",
        "买家付款时间",
        "支付时间",
        "订单支付时间",
        "支付完成时间",
        "付款日期",
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
        "orderpaidtime",
        "paidtime",
        "paidondate",
        "paymentdate",
        "purchasedate",
        "ordercreationdate",
        "createdat",
        "createdtime",
        "ordercreatedtime",
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
        "outlet",
        "outletname",
        "warehouse",
    ),
    "item": (
        "sku",
        "sellersku",
        "merchantsku",
        "msku",
        "skureferenceno",
        "customlabel",
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
        "物料编码",
        "物料代码",
        "存货编码",
        "存货代码",
        "货品编码",
        "货品编号",
        "商品代码",
        "stockcode",
        "productcode",
        "itemcode",
        "itemid",
        "item",
        "productid",
        "product",
        "asin",
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
        "成交商品件数",
        "出库数量",
        "实发数量",
        "发货数量",
        "sales",
        "quantity",
        "qty",
        "pcs",
        "units",
        "unitssold",
        "itemssold",
        "netitemssold",
        "quantitysold",
        "netquantity",
        "quantityshipped",
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
        "dealprice",
        "soldfor",
        "rate",
    ),
    "revenue": (
        "实付金额",
        "支付金额",
        "实收金额",
        "成交金额",
        "销售额",
        "销售金额",
        "价税合计",
        "含税金额",
        "金额",
        "gmv",
        "revenue",
        "amount",
        "salesamount",
        "grossamt",
        "grossamount",
        "orderedproductsales",
        "paidprice",
        "netsales",
        "grosssales",
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
        "选购商品",
        "商品全名",
        "全名",
        "货品名称",
        "存货名称",
        "物料名称",
        "name",
        "title",
        "productname",
        "lineitemname",
        "itemname",
        "producttitle",
        "itemtitle",
        "itemdescription",
        "productdescription",
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
        "买家账号",
        "买家帐号",
        "会员名",
        "客户",
        "客户名称",
        "往来单位",
        "购买单位",
        "customerid",
        "customer",
        "customername",
        "buyer",
        "buyername",
        "buyeremail",
        "buyerusername",
        "username",
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
#: Traditional characters of shop headers (Shopee and Lazada Taiwan, Hong Kong ERPs) to
#: their simplified forms, so ``訂單編號`` reads as ``订单编号``.
_TRADITIONAL = str.maketrans(
    "訂單號編碼貨數價額銷稱類標題時間庫買賣實際態狀選項發門倉鋪務統計總運費優戶帳規條購寶貝"
    "細結資級會員顧備註場區處產幣預種稅開關閉轉換贈減滿動雙個東專業來認證線經長寬顏儲審達錄頁"
    "瀏覽訪點擊據報簡體顯於為與無啟廣語應隻雜",
    "订单号编码货数价额销称类标题时间库买卖实际态状选项发门仓铺务统计总运费优户账规条购宝贝"
    "细结资级会员顾备注场区处产币预种税开关闭转换赠减满动双个东专业来认证线经长宽颜储审达录页"
    "浏览访点击据报简体显于为与无启广语应只杂",
)
_MONEY = re.compile(
    r"price|amount|fee|cost|discount|tax|credit|revenue|gmv|价|额|费|税|优惠|折扣|佣金"
)
_BRACKETS = re.compile(r"[\(（\[【].*?[\)）\]】]")
_PUNCT = re.compile(r"[\s_\-./:：#]+")


def normalize_header(name: str) -> str:
    """Lower-case, drop bracketed units and punctuation: ``'销量(件)'`` -> ``'销量'``.

    Traditional Chinese characters are read as simplified (``數量`` -> ``数量``).
    """
    return _PUNCT.sub("", _BRACKETS.sub("", str(name))).lower().translate(_TRADITIONAL)


def _names(norm: str, syn: str, contains: bool) -> bool:
    return norm == syn or (contains and len(syn) >= 2 and not syn.isascii() and syn in norm)


def names_role(column: str, role: str) -> bool:
    """Whether ``column``'s header names ``role``, exactly or by containment."""
    norm = normalize_header(column)
    return any(_names(norm, syn, True) for syn in SYNONYMS[role])


def names_money(column: str) -> bool:
    """Whether ``column``'s header names money (``paidPrice``, ``shippingFee``, 优惠金额):
    whole prices such as ``29.00`` can look like quantities, the header says they are not."""
    return bool(_MONEY.search(normalize_header(column)))


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
                    (c for c in columns if c not in used and _names(norm[c], syn, contains)),
                    None,
                )
                if hit:
                    found[role] = hit
                    used.add(hit)
                    break
    return found
