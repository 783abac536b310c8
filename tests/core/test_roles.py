"""Role detection from contents and headers, on export shapes written from the platforms' docs.

Each fixture is built here from a seeded generator in the shape the platform's export
documentation describes (column names, value formats); the real files are not used.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.data import ImportOptions, dataset_summary, format_summary, load_dataset

UK_CODES = [
    "85123A",
    "71053",
    "84406B",
    "84029G",
    "84029E",
    "22752",
    "21730",
    "22633",
    "22632",
    "84879",
    "POST",
    "79323P",
    "79323W",
    "22041",
    "21232",
]


def _uk_codes() -> list[str]:
    extra = [f"{22100 + 37 * i}" for i in range(18)] + [
        f"{84500 + 11 * i}{'ABCDEFG'[i % 7]}" for i in range(12)
    ]
    return UK_CODES + extra


def uk_order_lines(seed: int = 7) -> list[list[str]]:
    """A UK online shop's invoice lines: InvoiceNo repeats per line, one customer per invoice."""
    rng = np.random.default_rng(seed)
    codes = _uk_codes()
    words = ["WHITE", "RED", "CREAM", "PINK", "BLUE", "VINTAGE", "KNITTED", "METAL"]
    things = [
        "HEART T-LIGHT HOLDER",
        "LANTERN",
        "COAT HANGER",
        "HOT WATER BOTTLE",
        "CAKE CASES",
        "JAM JAR",
        "DOORMAT",
        "LUNCH BAG",
    ]
    desc = {c: f"{words[i % 8]} {things[(i // 8) % 8]} {i}" for i, c in enumerate(codes)}
    desc["POST"] = "POSTAGE"
    price = {c: f"{rng.choice([0.85, 1.25, 1.65, 2.55, 3.39, 4.95, 7.95]):.2f}" for c in codes}
    customers = [
        (f"{12346 + 97 * i}", ["United Kingdom", "France", "Germany", "EIRE"][i % 4])
        for i in range(25)
    ]
    rows = [
        [
            "InvoiceNo",
            "StockCode",
            "Description",
            "Quantity",
            "InvoiceDate",
            "UnitPrice",
            "CustomerID",
            "Country",
        ]
    ]
    queue = list(codes)
    for k in range(70):
        when = pd.Timestamp("2010-12-01 08:26") + pd.Timedelta(days=k // 3, minutes=97 * k)
        cust, country = customers[int(rng.integers(len(customers)))]
        cust = "" if k % 9 == 4 else cust
        n = int(rng.integers(3, 10))
        picked = [queue.pop() for _ in range(min(n, len(queue)))]
        rest = [c for c in rng.permutation(codes) if c not in picked][: n - len(picked)]
        for code in picked + rest:
            qty = str(int(rng.choice([1, 2, 3, 4, 6, 8, 12, 24])))
            stamp = f"{when.month}/{when.day}/{when.year} {when.hour}:{when.minute:02d}"
            rows.append([str(536365 + k), code, desc[code], qty, stamp, price[code], cust, country])
    return rows


def test_uk_order_lines_find_stockcode_invoicedate_and_quantity(write_csv):
    rows = uk_order_lines()
    ds = load_dataset(write_csv(rows, encoding="latin-1"))
    m = ds.mapping
    assert (m.date, m.ids, m.target) == ("InvoiceDate", ["StockCode"], "Quantity")
    assert (m.price, m.name) == ("UnitPrice", "Description")
    codes = {r[1] for r in rows[1:]}
    # postage (POST) is a line but not a product: the order-line import may leave it out
    products = set(ds.series["unique_id"])
    assert len(codes) == 45 and products in (codes, codes - {"POST"})
    assert ds.source.layout == "orders"
    assert ds.frame["y"].sum() == sum(int(r[3]) for r in rows[1:] if r[1] in products)
    roles = ds.roles
    assert roles["ids"]["column"] == ["StockCode"] and roles["ids"]["source"] == "header+content"
    assert roles["ids"]["confidence"] >= 0.8 and roles["target"]["confidence"] >= 0.8
    assert roles["order"]["column"] == "InvoiceNo"
    assert ds.report.by_code("unused_product_codes") is None


def test_uk_order_lines_without_known_headers_are_found_from_contents(write_csv):
    rows = uk_order_lines()
    rows[0] = [
        "Beleg",
        "Artikel",
        "Bezeichnung",
        "Menge",
        "Zeitpunkt",
        "Einzelpreis",
        "Kunde",
        "Land",
    ]
    ds = load_dataset(write_csv(rows))
    m = ds.mapping
    assert (m.date, m.ids, m.target) == ("Zeitpunkt", ["Artikel"], "Menge")
    assert set(ds.series["unique_id"]) in (
        {r[1] for r in rows[1:]},
        {r[1] for r in rows[1:]} - {"POST"},
    )
    assert ds.roles["ids"]["source"] == "content"
    assert {"guessed_date", "guessed_ids", "guessed_target"} <= set(ds.report.codes())


def apparel_rows(seed: int = 3) -> list[list[str]]:
    """An apparel wholesaler's sales sheet: SKU = style-colour-size, DATE like 06-05-21."""
    rng = np.random.default_rng(seed)
    styles = [f"{kind}{5000 + 7 * i}" for i, kind in enumerate(["MEN", "JNE", "SET"] * 4)]
    skus = [
        f"{s}-{col}-{size}"
        for s in styles
        for col, size in (("KR", "L"), ("KR", "XL"), ("BL", "M"))
    ]
    rows = [
        ["index", "DATE", "Months", "CUSTOMER", "Style", "SKU", "Size", "PCS", "RATE", "GROSS AMT"]
    ]
    for i in range(240):
        day = pd.Timestamp("2021-06-01") + pd.Timedelta(days=int(rng.integers(0, 60)))
        sku = skus[i % len(skus)] if i < len(skus) else str(rng.choice(skus))
        pcs = int(rng.integers(1, 4))
        rate = float(rng.choice([616.56, 447.0, 399.11, 725.0]))
        rows.append(
            [
                str(i),
                day.strftime("%m-%d-%y"),
                day.strftime("%b-%y"),
                ["REVATHY LOGANATHAN", "VISHNU AGENCIES", "MULBERRIES BOUTIQUE"][i % 3],
                sku.split("-")[0],
                sku,
                sku.split("-")[-1],
                str(pcs),
                f"{rate:.2f}",
                f"{rate * pcs:.2f}",
            ]
        )
    return rows


def test_apparel_export_reads_pcs_as_the_quantity(write_csv):
    rows = apparel_rows()
    ds = load_dataset(write_csv(rows))
    m = ds.mapping
    assert (m.date, m.ids, m.target) == ("DATE", ["SKU"], "PCS")
    assert (m.price, m.revenue) == ("RATE", "GROSS AMT")
    assert ds.n_series == 36 == len({r[5] for r in rows[1:]})
    assert ds.frame["y"].sum() == sum(int(r[7]) for r in rows[1:])
    assert ds.roles["target"]["confidence"] >= 0.8
    # Style codes are coarser than the SKU: no warning about them
    assert ds.report.by_code("unused_product_codes") is None


def _daily(headers: list[str]) -> list[list[str]]:
    rows = [headers]
    for day in pd.date_range("2024-03-01", periods=30):
        for k in range(8):
            rows.append([f"A-{1001 + k}", day.strftime("%Y-%m-%d"), str((day.day * (k + 3)) % 9)])
    return rows


def test_headers_nobody_listed_are_found_from_contents_with_less_confidence(write_csv):
    unknown = load_dataset(write_csv(_daily(["Artikelnummer", "Datum", "Menge"]), name="de.csv"))
    known = load_dataset(write_csv(_daily(["SKU", "Date", "Quantity"]), name="en.csv"))
    for ds, (date, ids, target) in (
        (unknown, ("Datum", ["Artikelnummer"], "Menge")),
        (known, ("Date", ["SKU"], "Quantity")),
    ):
        assert (ds.mapping.date, ds.mapping.ids, ds.mapping.target) == (date, ids, target)
        assert ds.n_series == 8 and len(ds.frame) == 240
    for role in ("date", "ids", "target"):
        assert unknown.roles[role]["source"] == "content"
        assert known.roles[role]["source"] == "header+content"
        assert unknown.roles[role]["confidence"] < known.roles[role]["confidence"]
    assert unknown.roles["ids"]["confidence"] >= 0.3
    text = format_summary(dataset_summary(unknown), "en")
    assert "Artikelnummer" in text and "contents only" in text


# -- export shapes from the platforms' documentation ------------------------------------


def _lines(seed: int, codes: list[str], n_orders: int = 50):
    """(order number, timestamp, code, quantity, unit price, buyer) tuples."""
    rng = np.random.default_rng(seed)
    prices = {c: float(rng.choice([19.9, 29.0, 59.0, 89.5, 129.0])) for c in codes}
    queue, out = list(codes), []
    for k in range(n_orders):
        when = pd.Timestamp("2024-03-01 09:12:05") + pd.Timedelta(hours=11 * k, minutes=7 * k)
        n = int(rng.integers(1, 4))
        picked = [queue.pop() for _ in range(min(n, len(queue)))] or list(
            rng.choice(codes, size=n, replace=False)
        )
        buyer = f"buyer{int(rng.integers(1, 30))}"
        for code in picked:
            out.append((1000 + k, when, code, int(rng.integers(1, 4)), prices[code], buyer))
    return out


def _names(codes: list[str], words: list[str]) -> dict[str, str]:
    return {c: f"{words[i % len(words)]} {i}" for i, c in enumerate(codes)}


def shopify_orders():
    codes = [f"TEE-{c}-{s}" for c in ("WH", "BK", "NV") for s in ("S", "M", "L", "XL")]
    names = {c: f"Classic Tee - {c.split('-')[1]} / {c.split('-')[2]}" for c in codes}
    rows = [
        [
            "Name",
            "Email",
            "Financial Status",
            "Paid at",
            "Fulfillment Status",
            "Created at",
            "Lineitem quantity",
            "Lineitem name",
            "Lineitem price",
            "Lineitem sku",
            "Vendor",
        ]
    ]
    for order, when, code, qty, price, buyer in _lines(1, codes):
        stamp = when.strftime("%Y-%m-%d %H:%M:%S +0800")
        rows.append(
            [
                f"#{order}",
                f"{buyer}@example.com",
                "paid",
                stamp,
                "fulfilled",
                stamp,
                str(qty),
                names[code],
                f"{price:.2f}",
                code,
                "SkuCast Demo",
            ]
        )
    expected = {
        "date": "Paid at",
        "ids": ["Lineitem sku"],
        "target": "Lineitem quantity",
        "name": "Lineitem name",
        "price": "Lineitem price",
    }
    return rows, {}, expected


def amazon_all_orders():
    codes = [f"HP-MUG-{i:02d}" for i in range(14)]
    names = _names(codes, ["Ceramic Mug 11oz", "Travel Mug", "Espresso Cup"])
    rows = [
        [
            "amazon-order-id",
            "merchant-order-id",
            "purchase-date",
            "last-updated-date",
            "order-status",
            "fulfillment-channel",
            "sales-channel",
            "product-name",
            "sku",
            "asin",
            "item-status",
            "quantity",
            "currency",
            "item-price",
        ]
    ]
    for order, when, code, qty, price, _ in _lines(2, codes):
        stamp = when.strftime("%Y-%m-%dT%H:%M:%S+00:00")
        rows.append(
            [
                f"113-{order:07d}-55{order % 97:05d}",
                "",
                stamp,
                stamp,
                "Shipped",
                "Amazon",
                "Amazon.com",
                names[code],
                code,
                f"B0{abs(hash(code)) % 10**8:08d}",
                "Shipped",
                str(qty),
                "USD",
                f"{price * qty:.2f}",
            ]
        )
    expected = {
        "date": "purchase-date",
        "ids": ["sku"],
        "target": "quantity",
        "name": "product-name",
        "revenue": "item-price",
    }
    return rows, {"sep": "\t"}, expected


def amazon_order_report():
    codes = [f"sku{100 + i}" for i in range(12)]
    names = _names(codes, ["Snowboard", "Ski Goggles", "Wax Kit"])
    rows = [
        [
            "order-id",
            "order-item-id",
            "purchase-date",
            "payments-date",
            "buyer-email",
            "buyer-name",
            "sku",
            "product-name",
            "quantity-purchased",
            "currency",
            "item-price",
            "ship-service-level",
        ]
    ]
    for order, when, code, qty, price, buyer in _lines(3, codes):
        stamp = when.strftime("%Y-%m-%dT%H:%M:%S+00:00")
        rows.append(
            [
                f"736-{order:07d}-5518068",
                f"0583{order:09d}",
                stamp,
                stamp,
                f"{buyer}@marketplace.amazon.co.uk",
                buyer.title(),
                code,
                names[code],
                str(qty),
                "GBP",
                f"{price * qty:.2f}",
                "Standard",
            ]
        )
    expected = {
        "date": "purchase-date",
        "ids": ["sku"],
        "target": "quantity-purchased",
        "name": "product-name",
        "revenue": "item-price",
    }
    return rows, {"sep": "\t"}, expected


def taobao_orders():
    codes = [f"BWB-{i:03d}" for i in range(15)]
    names = _names(codes, ["不锈钢保温杯 500ml", "玻璃水杯 带盖", "儿童吸管杯"])
    rows = [
        [
            "订单编号",
            "买家会员名",
            "订单状态",
            "订单创建时间",
            "订单付款时间",
            "宝贝标题",
            "商家编码",
            "购买数量",
            "实付金额",
        ]
    ]
    for order, when, code, qty, price, buyer in _lines(4, codes):
        rows.append(
            [
                f"38{order:016d}",
                f"tb_{buyer}",
                "交易成功",
                when.strftime("%Y-%m-%d %H:%M:%S"),
                (when + pd.Timedelta(minutes=3)).strftime("%Y-%m-%d %H:%M:%S"),
                names[code],
                code,
                str(qty),
                f"{price * qty:.2f}",
            ]
        )
    expected = {
        "date": "订单付款时间",
        "ids": ["商家编码"],
        "target": "购买数量",
        "name": "宝贝标题",
        "revenue": "实付金额",
    }
    return rows, {"encoding": "gbk", "newline": "\r\n"}, expected


def sycm_daily():
    ids = [f"6{7000000000 + 7919 * i:011d}" for i in range(10)]
    names = _names(ids, ["纯棉短袖T恤 男", "冰丝防晒衣 女", "速干运动裤"])
    rows = [["统计日期", "商品ID", "商品名称", "商品访客数", "支付件数", "支付金额", "支付转化率"]]
    for day in pd.date_range("2024-03-01", periods=21):
        for k, pid in enumerate(ids):
            units = (day.day * (k + 2)) % 7
            rows.append(
                [
                    day.strftime("%Y-%m-%d"),
                    pid,
                    names[pid],
                    str(40 + 3 * units + k),
                    str(units),
                    f"{units * 59.9:.2f}",
                    f"{units / (40 + k):.2%}",
                ]
            )
    expected = {
        "date": "统计日期",
        "ids": ["商品ID"],
        "target": "支付件数",
        "name": "商品名称",
        "revenue": "支付金额",
    }
    return rows, {"encoding": "gbk"}, expected


def jd_orders():
    ids = [f"{100012345678 + 1013 * i}" for i in range(13)]
    names = _names(ids, ["京东京造 乳胶枕", "记忆棉 护颈枕", "四件套 纯棉"])
    rows = [
        ["订单号", "商品ID", "商品名称", "订购数量", "下单时间", "订单状态", "应付金额", "京东价"]
    ]
    for order, when, pid, qty, price, _ in _lines(5, ids):
        rows.append(
            [
                f"2{order:011d}",
                pid,
                names[pid],
                str(qty),
                when.strftime("%Y-%m-%d %H:%M:%S"),
                "完成",
                f"￥{price * qty:.2f}",
                f"{price:.2f}",
            ]
        )
    expected = {
        "date": "下单时间",
        "ids": ["商品ID"],
        "target": "订购数量",
        "name": "商品名称",
        "revenue": "应付金额",
    }
    return rows, {"encoding": "gbk"}, expected


def jushuitan_outbound():
    codes = [f"TS{i // 3:03d}-{('WH', 'BK', 'GR')[i % 3]}-M" for i in range(15)]
    rows = [
        [
            "出库单号",
            "线上订单号",
            "店铺",
            "出库日期",
            "商品编码",
            "款式编码",
            "商品名称",
            "颜色及规格",
            "实发数量",
            "销售金额",
        ]
    ]
    for order, when, code, qty, price, _ in _lines(6, codes):
        rows.append(
            [
                f"SO{order:08d}",
                f"38{order:016d}",
                "旗舰店",
                when.strftime("%Y/%m/%d"),
                code,
                code.split("-")[0],
                f"男士T恤 {code.split('-')[0]}",
                code.split("-")[1] + ";M",
                str(qty),
                f"{price * qty:.2f}",
            ]
        )
    expected = {
        "date": "出库日期",
        "ids": ["商品编码"],  # one shop (旗舰店) on every row: no part of the ID
        "target": "实发数量",
        "name": "商品名称",
        "revenue": "销售金额",
    }
    return rows, {"encoding": "gbk"}, expected


def wangdiantong_outbound():
    codes = [f"6901234{5000 + 17 * i:05d}" for i in range(12)]
    rows = [["订单编号", "店铺名称", "发货时间", "规格编码", "货品名称", "货品数量", "成交价"]]
    for order, when, code, qty, price, _ in _lines(7, codes):
        shop = ("天猫旗舰店", "京东自营店")[order % 2]
        rows.append(
            [
                f"JY{order:010d}",
                shop,
                when.strftime("%Y-%m-%d %H:%M:%S"),
                code,
                f"洗衣液 {code[-3:]}",
                str(qty),
                f"{price:.2f}",
            ]
        )
    expected = {
        "date": "发货时间",
        "ids": ["店铺名称", "规格编码"],
        "target": "货品数量",
        "name": "货品名称",
        "price": "成交价",
    }
    return rows, {}, expected


def pinduoduo_orders():
    ids = [f"{39817700000 + 311 * i}" for i in range(11)]
    rows = [
        [
            "订单号",
            "商品",
            "商品id",
            "商品规格",
            "商品数量(件)",
            "成交时间",
            "商家实收金额(元)",
            "订单状态",
        ]
    ]
    for order, when, pid, qty, price, _ in _lines(8, ids):
        rows.append(
            [
                f"240301-{order:015d}",
                f"家用抽纸 {pid[-4:]}",
                pid,
                "3层100抽*24包",
                str(qty),
                when.strftime("%Y-%m-%d %H:%M:%S"),
                f"{price * qty:.2f}",
                "已发货，待收货",
            ]
        )
    expected = {
        "date": "成交时间",
        "ids": ["商品id"],
        "target": "商品数量(件)",
        "revenue": "商家实收金额(元)",
    }
    return rows, {}, expected


def woocommerce_orders():
    codes = [f"woo-hoodie-{c}" for c in ("blue", "red", "green", "grey", "black")] + [
        f"woo-cap-{i}" for i in range(6)
    ]
    rows = [
        [
            "Order Number",
            "Order Status",
            "Order Date",
            "Billing Email",
            "Item #",
            "Item Name",
            "SKU",
            "Quantity",
            "Item Cost",
            "Order Total",
        ]
    ]
    for line, (order, when, code, qty, price, buyer) in enumerate(_lines(9, codes), 1):
        rows.append(
            [
                str(order),
                "completed",
                when.strftime("%Y-%m-%d %H:%M"),
                f"{buyer}@example.org",
                str(700 + line),
                code.replace("-", " ").title(),
                code,
                str(qty),
                f"{price:.2f}",
                f"{price * qty + 5:.2f}",
            ]
        )
    expected = {"date": "Order Date", "ids": ["SKU"], "target": "Quantity", "name": "Item Name"}
    return rows, {}, expected


def etsy_sold_items():
    codes = [f"RING-{m}-{s}" for m in ("SILVER", "GOLD") for s in (5, 6, 7, 8, 9)]
    rows = [
        [
            "Sale Date",
            "Item Name",
            "Buyer",
            "Quantity",
            "Price",
            "Coupon Code",
            "Order ID",
            "Transaction ID",
            "SKU",
        ]
    ]
    for order, when, code, qty, price, buyer in _lines(10, codes):
        rows.append(
            [
                when.strftime("%m/%d/%Y"),
                f"Stacking ring {code.lower()}",
                buyer,
                str(qty),
                f"{price:.2f}",
                "",
                str(2900000000 + order),
                str(3800000000 + 13 * order + qty),
                code,
            ]
        )
    expected = {
        "date": "Sale Date",
        "ids": ["SKU"],
        "target": "Quantity",
        "name": "Item Name",
        "price": "Price",
    }
    return rows, {}, expected


SHAPES = [
    shopify_orders,
    amazon_all_orders,
    amazon_order_report,
    taobao_orders,
    sycm_daily,
    jd_orders,
    jushuitan_outbound,
    wangdiantong_outbound,
    pinduoduo_orders,
    woocommerce_orders,
    etsy_sold_items,
]


@pytest.mark.parametrize("shape", SHAPES, ids=[s.__name__ for s in SHAPES])
def test_store_export_shapes(write_csv, shape):
    rows, how, expected = shape()
    ds = load_dataset(write_csv(rows, name=f"{shape.__name__}.csv", **how))
    got = ds.mapping.to_dict()
    assert {k: got[k] for k in expected} == expected
    header = rows[0]
    id_idx = [header.index(c) for c in expected["ids"]]
    assert ds.n_series == len({tuple(r[i] for i in id_idx) for r in rows[1:]})
    q = header.index(expected["target"])
    assert ds.frame["y"].sum() == sum(int(r[q]) for r in rows[1:])
    assert ds.roles["ids"]["column"] == expected["ids"]
    assert ds.roles["target"]["confidence"] >= 0.6
    assert ds.report.by_code("unused_product_codes") is None


# -- the loud warning ---------------------------------------------------------------------


def test_repeating_codes_left_out_of_the_ids_warn_loudly(write_csv):
    path = write_csv(uk_order_lines())
    ds = load_dataset(path, ImportOptions(id_cols=[]))
    assert ds.n_series == 1
    warn = ds.report.by_code("unused_product_codes")
    assert warn.severity == "warning" and warn.column == "StockCode"
    assert "45 different codes" in warn.en and "1 series" in warn.en
    assert "--id-cols StockCode" in warn.action_en and "--id-cols StockCode" in warn.action_zh
    assert "45 个不同的编码" in warn.zh
    by_country = load_dataset(path, ImportOptions(id_cols=["Country"]))
    assert by_country.n_series == 4
    assert by_country.report.by_code("unused_product_codes").column == "StockCode"
    summary = dataset_summary(ds)
    assert summary["warnings"] >= 1
    assert "unused_product_codes" in [f["code"] for f in summary["report"]]
    assert summary["roles"]["ids"] == {
        "column": [],
        "confidence": 1.0,
        "runner_up": None,
        "runner_up_confidence": 0.0,
        "source": "user",
    }


def test_a_header_whose_contents_do_not_fit_gives_way(write_csv):
    """Shopify's ``Name`` is the order number: the product name is ``Lineitem name``."""
    rows, _, _ = shopify_orders()
    ds = load_dataset(write_csv(rows))
    assert ds.mapping.name == "Lineitem name"
    assert ds.series["name"].str.startswith("Classic Tee").all()
    assert ds.roles["order"]["column"] == "Name"
