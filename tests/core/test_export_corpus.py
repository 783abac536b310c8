"""The export corpus (issue 15 item 2): shop and ERP exports in their real shapes and encodings.

Each format below is written here, from the platform's public export documentation
(column names and order, value formats, the encoding the back-end writes), with a
seeded generator: several products recurring over a few weeks, order numbers, statuses
and prices as the platform writes them. Together with ``SHAPES`` in ``test_roles.py``
(eleven more formats) the corpus holds over thirty. Every test asserts the mapping
SkuCast detects, the number of series, the units counted and the holiday region it
suggests from the data.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from core.cli import main
from core.data import ImportOptions, dataset_summary, format_summary, load_dataset
from core.errors import InputError
from tests.core.conftest import to_text

START = pd.Timestamp("2024-03-01 08:05:00")


@dataclass
class Export:
    """One export file: everything written, what SkuCast should find, and how it is stored."""

    rows: list[list]
    expected: dict
    series: int
    units: float
    region: str | None
    encoding: str = "utf-8"
    sep: str = ","
    newline: str = "\n"
    sheet: str | None = None  # XLSX when set
    suffix: str = "csv"
    extra: dict = field(default_factory=dict)


@dataclass
class Line:
    """One order line."""

    order: int
    when: pd.Timestamp
    code: str
    qty: int
    price: float
    buyer: str
    sold: bool = True


def _lines(seed: int, codes: list[str], n_orders: int = 48, cancel: int = 0) -> list[Line]:
    """Order lines over about three weeks; every code is sold at least once.

    ``cancel`` orders (spread over the period) are marked ``sold=False``: closed,
    cancelled or refunded orders that the exports list and SkuCast must not count.
    """
    rng = np.random.default_rng(seed)
    prices = {c: float(rng.choice([9.9, 19.9, 29.0, 39.5, 59.0, 89.0, 129.0])) for c in codes}
    queue, out = list(codes), []
    cancelled = set(rng.choice(np.arange(3, n_orders), size=cancel, replace=False).tolist())
    for k in range(n_orders):
        when = START + pd.Timedelta(hours=9 * k, minutes=37 * k % 60, seconds=13 * k % 60)
        n = int(rng.integers(1, 4))
        picked = [queue.pop() for _ in range(min(n, len(queue)))] or list(
            rng.choice(codes, size=n, replace=False)
        )
        buyer = f"buyer{int(rng.integers(1, 40)):02d}"
        for code in picked:
            qty = int(rng.choice([1, 1, 1, 2, 2, 3, 5]))
            out.append(Line(1000 + k, when, code, qty, prices[code], buyer, k not in cancelled))
    return out


def _days(seed: int, codes: list[str], days: int = 14):
    """(day, code, units) of a daily report, units 0..9."""
    rng = np.random.default_rng(seed)
    for day in pd.date_range(START.normalize(), periods=days):
        for k, code in enumerate(codes):
            yield day, code, int(rng.integers(0, 10)) if (day.day + k) % 5 else 0


def _sold(lines: list[Line]) -> tuple[int, int]:
    """Series and units of the lines that count."""
    kept = [x for x in lines if x.sold]
    return len({x.code for x in kept}), sum(x.qty for x in kept)


def _write(export: Export, path) -> None:
    if export.sheet:
        wb = Workbook()
        ws = wb.active
        ws.title = export.sheet
        for row in export.rows:
            ws.append(row)
        wb.save(path)
        return
    rows = [["" if v is None else str(v) for v in row] for row in export.rows]
    path.write_bytes(to_text(rows, export.sep, export.newline).encode(export.encoding))


# -- international platforms ---------------------------------------------------------------


def shopify_sales_by_variant() -> Export:
    """Shopify Analytics, "Net sales by product variant" shown by day, exported as CSV."""
    variants = [(f"TEE-{c}-{s}", f"{c} / {s}") for c in ("WH", "BK") for s in ("S", "M", "L")]
    variants += [("MUG-11OZ", "Default Title"), ("MUG-15OZ", "Default Title")]
    rows = [["Day", "Product title", "Product variant title", "Product variant SKU",
             "Net items sold", "Gross sales", "Discounts", "Returns", "Net sales", "Taxes",
             "Total sales"]]  # fmt: skip
    units = 0
    for day, sku, n in _days(11, [v[0] for v in variants]):
        if n == 0:
            continue  # Shopify leaves out days without sales
        title = "Classic Tee" if sku.startswith("TEE") else "Enamel Camp Mug"
        price = 24.0 if sku.startswith("TEE") else 16.5
        gross = n * price
        disc = -round(0.1 * gross, 2) if day.dayofweek == 5 else 0.0
        units += n
        rows.append([day.strftime("%Y-%m-%d"), title, dict(variants)[sku], sku, str(n),
                     f"{gross:.2f}", f"{disc:.2f}", "0.00", f"{gross + disc:.2f}",
                     f"{0.08 * (gross + disc):.2f}", f"{1.08 * (gross + disc):.2f}"])  # fmt: skip
    expected = {"date": "Day", "ids": ["Product variant SKU"], "target": "Net items sold",
                "name": "Product title"}  # fmt: skip
    return Export(rows, expected, len(variants), units, None)


def amazon_business_report_child() -> Export:
    """Business Reports, "Detail Page Sales and Traffic by Child Item", one download a day.

    The report covers a date range and has no date column: sellers download it day by
    day and stack the files with the day in front, as here. UTF-8 with a BOM, US
    marketplace, money as ``$1,234.56``.
    """
    children = [(f"B0C{7000 + 37 * i:05d}X{i}", f"B0C{6000 + 11 * (i // 3):05d}P",
                 f"HM-TOWEL-{('WH', 'GR', 'NV')[i % 3]}-{i // 3}") for i in range(9)]  # fmt: skip
    rows = [["Date", "(Parent) ASIN", "(Child) ASIN", "Title", "SKU", "Sessions - Total",
             "Session Percentage - Total", "Page Views - Total",
             "Featured Offer (Buy Box) Percentage", "Units Ordered",
             "Unit Session Percentage", "Ordered Product Sales", "Total Order Items"]]  # fmt: skip
    units = 0
    for day, sku, n in _days(12, [c[2] for c in children]):
        child, parent, _ = next(c for c in children if c[2] == sku)
        sessions = 30 + 7 * n + len(sku)
        units += n
        size = ("Bath Towel", "Hand Towel", "Washcloth")[int(sku[-1]) % 3]
        rows.append([day.strftime("%m/%d/%Y"), parent, child,
                     f"Turkish Cotton {size} - {sku.split('-')[2]}", sku, f"{sessions:,}",
                     f"{sessions / 1900:.2%}", f"{int(sessions * 1.4):,}", "98.50%", str(n),
                     f"{n / sessions:.2%}", f"${n * 1324.99:,.2f}", str(max(0, n - 1))])  # fmt: skip
    expected = {"date": "Date", "ids": ["SKU"], "target": "Units Ordered", "name": "Title",
                "revenue": "Ordered Product Sales"}  # fmt: skip
    return Export(rows, expected, len(children), units, "US", encoding="utf-8-sig")


def amazon_fba_shipments_de() -> Export:
    """Fulfilment by Amazon, "Amazon Fulfilled Shipments" flat file from Amazon.de.

    Tab-separated text; the European marketplaces write Windows-1252 (``Größe``).
    """
    codes = [f"KB-{g}-{c}" for g in ("S", "M", "L") for c in ("SCHW", "WEISS", "ROT")]
    names = {c: f"Kaffeebecher Größe {c.split('-')[1]}, {c.split('-')[2].title()}" for c in codes}
    lines = _lines(13, codes)
    rows = [["amazon-order-id", "merchant-order-id", "shipment-id", "shipment-item-id",
             "amazon-order-item-id", "purchase-date", "payments-date", "shipment-date",
             "reporting-date", "buyer-email", "buyer-name", "sku", "product-name",
             "quantity-shipped", "currency", "item-price", "item-tax", "shipping-price",
             "ship-service-level", "recipient-name", "ship-city", "ship-postal-code",
             "ship-country", "fulfillment-center-id", "fulfillment-channel",
             "sales-channel"]]  # fmt: skip
    for i, x in enumerate(lines):
        stamp = x.when.strftime("%Y-%m-%dT%H:%M:%S+00:00")
        later = (x.when + pd.Timedelta(hours=20)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
        rows.append([f"302-{x.order:07d}-{4411 * x.order % 10**7:07d}", "", f"D{x.order}kL9",
                     f"Dm{i:07d}", f"{54000000000000 + 17 * i}", stamp, stamp, later, later,
                     f"{x.buyer}@marketplace.amazon.de", x.buyer.title(), x.code, names[x.code],
                     str(x.qty), "EUR", f"{x.qty * x.price:.2f}", f"{0.19 * x.qty * x.price:.2f}",
                     "0.00", "Standard", x.buyer.title(), "München", "80331", "DE", "LEJ1",
                     "AFN", "Amazon.de"])  # fmt: skip
    series, units = _sold(lines)
    expected = {"date": "purchase-date", "ids": ["sku"], "target": "quantity-shipped",
                "name": "product-name", "revenue": "item-price"}  # fmt: skip
    return Export(rows, expected, series, units, "intl", encoding="cp1252", sep="\t",
                  newline="\r\n", suffix="txt")  # fmt: skip


def ebay_orders_report() -> Export:
    """Seller Hub, Orders, "Download report" (CSV): a blank first line and a record count
    and the seller ID below the rows; dates as ``Mar-01-24``, money as ``$12.99``."""
    listings = {"LED-STRIP-5M-RGB": "2956", "LED-STRIP-10M-RGB": "2956", "LED-STRIP-5M-WW": "2956",
                "USB-C-HUB-7IN1": "3071", "USB-C-HUB-4IN1": "3071", "HDMI-2M-BRAID": "1188",
                "HDMI-3M-BRAID": "1188", "WEBCAM-1080P": "4410"}  # fmt: skip
    titles = {"2956": "LED Strip Lights Bluetooth App Control", "3071": "USB C Hub Multiport "
              "Adapter", "1188": "HDMI Cable 4K Braided", "4410": "1080P Webcam with Mic"}  # fmt: skip
    lines = _lines(14, list(listings), n_orders=52)
    header = ["Sales Record Number", "Order Number", "Buyer Username", "Buyer Name",
              "Buyer Email", "Buyer Note", "Buyer Address 1", "Buyer City", "Buyer State",
              "Buyer Zip", "Buyer Country", "Ship To Name", "Ship To Phone", "Item Number",
              "Item Title", "Custom Label", "Sold Via Promoted Listings", "Quantity", "Sold For",
              "Shipping And Handling", "eBay Collected Tax", "Total Price", "Payment Method",
              "Sale Date", "Paid On Date", "Ship By Date", "Shipped On Date", "Feedback Left",
              "Feedback Received", "Tracking Number", "Transaction ID", "Variation Details",
              "Global Shipping Program"]  # fmt: skip
    rows = [[""], header]
    for i, x in enumerate(lines):
        item = listings[x.code]
        day = x.when.strftime("%b-%d-%y")
        ship = (x.when + pd.Timedelta(days=2)).strftime("%b-%d-%y")
        rows.append([str(5001 + i), f"{x.order % 100:02d}-{11000 + x.order:05d}-{37 * x.order % 10**5:05d}",
                     x.buyer, x.buyer.title(), f"{x.buyer}@example.com", "", "12 Elm St",
                     "Austin", "TX", "78701", "United States", x.buyer.title(), "512-555-0100",
                     f"2049{item}47121", titles[item], x.code,
                     "No" if i % 4 else "Yes", str(x.qty), f"${x.price:.2f}", "$0.00",
                     f"${0.0825 * x.qty * x.price:.2f}", f"${1.0825 * x.qty * x.price:.2f}",
                     "PayPal", day, day, ship, ship, "No", "", f"9400 1000 0000 {i:04d}",
                     f"{2500000000000 + i}", f"[Type:{x.code.split('-', 1)[1]}]", "No"])  # fmt: skip
    rows += [[""], [f"{len(lines)} record(s) downloaded", "from Mar-01-24 to Mar-19-24"],
             ["Seller ID : gadget_outlet_tx"]]  # fmt: skip
    series, units = _sold(lines)
    expected = {"date": "Sale Date", "ids": ["Custom Label"], "target": "Quantity",
                "name": "Item Title", "price": "Sold For"}  # fmt: skip
    return Export(rows, expected, series, units, "US", encoding="utf-8-sig", newline="\r\n")


def square_item_sales() -> Export:
    """Square Dashboard, Items detail (``items-2024-03-01-2024-03-21.csv``): one row per item
    sold, two locations, money as ``$4.75``."""
    menu = {"LAT-R": ("Latte", "Regular", 4.75), "LAT-L": ("Latte", "Large", 5.50),
            "CAP-R": ("Cappuccino", "Regular", 4.50), "AMR-R": ("Americano", "Regular", 3.75),
            "CRS-1": ("Butter Croissant", "", 3.95), "MUF-BB": ("Blueberry Muffin", "", 3.50),
            "CBR-16": ("Cold Brew", "16 oz", 5.25)}  # fmt: skip
    lines = _lines(15, list(menu), n_orders=60)
    rows = [["Date", "Time", "Time Zone", "Category", "Item", "Qty", "Price Point Name", "SKU",
             "Modifiers Applied", "Gross Sales", "Discounts", "Net Sales", "Tax",
             "Transaction ID", "Payment ID", "Device Name", "Notes", "Details", "Event Type",
             "Location", "Dining Option", "Customer ID", "Customer Name",
             "Customer Reference ID", "Unit", "Count", "Itemization Type"]]  # fmt: skip
    keys = set()
    for x in lines:
        item, point, price = menu[x.code]
        where = ("Mission St", "Valencia St")[x.order % 2]
        keys.add((where, x.code))
        gross = x.qty * price
        rows.append([x.when.strftime("%Y-%m-%d"), x.when.strftime("%H:%M:%S"),
                     "Pacific Time (US & Canada)", "Bakery" if x.code[:3] in ("CRS", "MUF") else
                     "Coffee", item, str(x.qty), point, x.code, "Oat Milk" if x.order % 5 == 0
                     else "", f"${gross:.2f}", "$0.00", f"${gross:.2f}", f"${0.0863 * gross:.2f}",
                     f"tX{x.order:06d}Qb", f"pY{x.order:06d}", f"Counter {1 + x.order % 2}", "",
                     "", "Payment", where, "For Here", "", "", "", "ea", str(x.qty),
                     "Physical Item"])  # fmt: skip
    expected = {"date": "Date", "ids": ["Location", "SKU"], "target": "Qty",
                "category": "Category"}  # fmt: skip
    return Export(rows, expected, len(keys), sum(x.qty for x in lines), "US")


def walmart_orders() -> Export:
    """Walmart Seller Center, Order Management, "Download" (CSV): one row per PO line."""
    codes = ["WM-AIRFRY-5QT", "WM-AIRFRY-8QT", "WM-KETTLE-17L", "WM-TOASTER-2S",
             "WM-TOASTER-4S", "WM-BLENDER-PRO", "WM-MIXER-6SP"]  # fmt: skip
    names = {c: " ".join(c.split("-")[1:]).title() + " Kitchen Appliance" for c in codes}
    lines = _lines(16, codes, cancel=3)
    rows = [["PO#", "Order#", "Order Date", "Ship By", "Delivery Date", "Customer Name",
             "Customer Shipping Address", "Customer Phone Number", "Ship to Address 1",
             "Ship to Address 2", "City", "State", "Zip", "Segment", "FLIDS", "Line#", "UPC",
             "Status", "Item Description", "Shipping Method", "Shipping Tier", "Shipping SLA",
             "Qty", "SKU", "Item Cost", "Shipping Cost", "Tax", "Update Status", "Update Qty",
             "Carrier", "Tracking Number", "Tracking Url", "Seller Order NO",
             "Fulfillment Entity", "Replacement Order", "Original Customer Order Id"]]  # fmt: skip
    for line_no, x in enumerate(lines, 1):
        rows.append([f"{108829300000 + x.order}", f"{200011987000 + 3 * x.order}",
                     x.when.strftime("%m/%d/%Y"), (x.when + pd.Timedelta(days=2)).strftime("%m/%d/%Y"),
                     (x.when + pd.Timedelta(days=5)).strftime("%m/%d/%Y"), x.buyer.title(),
                     "400 Main St, Bentonville, AR 72712", "4795550100", "400 Main St", "",
                     "Bentonville", "AR", "72712", "", "", str(line_no % 3 + 1),
                     f"0{81234500000 + 7 * codes.index(x.code)}", "Shipped" if x.sold else
                     "Cancelled", names[x.code], "Standard", "", "3", str(x.qty), x.code,
                     f"{x.qty * x.price:.2f}", "0.00", f"{0.07 * x.qty * x.price:.2f}", "", "",
                     "FedEx", f"7723{x.order:08d}", "", "", "Seller Fulfilled", "N", ""])  # fmt: skip
    series, units = _sold(lines)
    expected = {"date": "Order Date", "ids": ["SKU"], "target": "Qty",
                "name": "Item Description"}  # fmt: skip
    return Export(rows, expected, series, units, None)


def lightspeed_product_sales() -> Export:
    """Lightspeed Retail (X-Series, formerly Vend), Sales report by product and day, per
    outlet (CSV)."""
    products = {"CB-FW-250": ("Flat White Blend 250g", "Hummingbird"),
                "CB-ESP-1K": ("Espresso Beans 1kg", "Hummingbird"),
                "TEA-EG-50": ("Earl Grey Loose Leaf 50g", "Leaf & Co"),
                "TEA-GR-50": ("Sencha Green 50g", "Leaf & Co"),
                "CUP-KEEP-12": ("KeepCup 12oz", "KeepCup")}  # fmt: skip
    rows = [["Date", "Outlet", "Product", "SKU", "Brand", "Supplier", "Product Type",
             "Items Sold", "Revenue", "Cost of Goods", "Gross Profit", "Margin", "Tax"]]  # fmt: skip
    units = 0
    for outlet, seed in (("Ponsonby", 17), ("Britomart", 18)):
        for day, sku, n in _days(seed, list(products), days=12):
            if n == 0:
                continue
            name, brand = products[sku]
            rev = n * (14.5 + len(sku))
            units += n
            rows.append([day.strftime("%d/%m/%Y"), outlet, name, sku, brand, brand,
                         "Coffee" if sku.startswith("CB") else "Tea & Gear", str(n), f"{rev:.2f}",
                         f"{0.45 * rev:.2f}", f"{0.55 * rev:.2f}", "55.00%", f"{0.15 * rev:.2f}"])  # fmt: skip
    expected = {"date": "Date", "ids": ["Outlet", "SKU"], "target": "Items Sold",
                "revenue": "Revenue", "brand": "Brand", "category": "Product Type"}  # fmt: skip
    return Export(rows, expected, 2 * len(products), units, None)


def tiktok_shop_orders() -> Export:
    """TikTok Shop (US), Orders, "Export orders" (CSV): the second line explains each field."""
    codes = ["LIPTINT-01", "LIPTINT-02", "LIPTINT-03", "SERUM-VC-30", "SERUM-HA-30",
             "MASK-SHEET-10", "CLEANSER-150"]  # fmt: skip
    lines = _lines(19, codes, cancel=4)
    header = ["Order ID", "Order Status", "Order Substatus", "Cancelation/Return Type",
              "Normal or Pre-order", "SKU ID", "Seller SKU", "Product Name", "Variation",
              "Quantity", "Sku Quantity of return", "SKU Unit Original Price",
              "SKU Subtotal Before Discount", "SKU Platform Discount", "SKU Seller Discount",
              "SKU Subtotal After Discount", "Shipping Fee After Discount", "Taxes",
              "Order Amount", "Order Refund Amount", "Created Time", "Paid Time", "RTS Time",
              "Shipped Time", "Delivered Time", "Cancelled Time", "Cancel By",
              "Fulfillment Type", "Warehouse Name", "Tracking ID", "Buyer Message",
              "Buyer Username", "Recipient", "Country", "State", "City", "Zipcode",
              "Payment Method"]  # fmt: skip
    notes = ["Platform unique order ID.", "Current order status.", "The order sub-status.",
             "Cancellation or return.", "Normal or pre-order.", "Platform SKU ID.",
             "Seller sku input by the seller in the product system.", "Platform product name.",
             "Platform SKU variation", "SKU sold quantity in the order.",
             "SKU returned quantity in the order.", "1 SKU original price."]  # fmt: skip
    rows = [header, notes + [""] * (len(header) - len(notes))]
    for x in lines:
        stamp = x.when.strftime("%m/%d/%Y %I:%M:%S %p")
        paid = (x.when + pd.Timedelta(minutes=1)).strftime("%m/%d/%Y %I:%M:%S %p")
        sub = x.qty * x.price
        rows.append([f"5763{x.order:014d}", "Completed" if x.sold else "Canceled",
                     "Delivered" if x.sold else "Canceled", "" if x.sold else "Cancel",
                     "Normal", f"17293{codes.index(x.code):06d}1", x.code,
                     x.code.split("-")[0].title() + " by Glow Lab", x.code.split("-")[-1],
                     str(x.qty), "0", f"{x.price:.2f}", f"{sub:.2f}", "0.00", "0.00",
                     f"{sub:.2f}", "0.00", f"{0.06 * sub:.2f}", f"{1.06 * sub:.2f}", "0.00",
                     stamp, paid, "", "", "", "" if x.sold else paid, "" if x.sold else "User",
                     "Fulfillment by seller", "LA Warehouse", f"TT{x.order:010d}", "",
                     x.buyer, x.buyer.title(), "United States", "California", "Los Angeles",
                     "90012", "Credit card"])  # fmt: skip
    series, units = _sold(lines)
    expected = {"date": "Paid Time", "ids": ["Seller SKU"], "target": "Quantity",
                "name": "Product Name"}  # fmt: skip
    return Export(rows, expected, series, units, "US", encoding="utf-8-sig")


def shopee_my_orders() -> Export:
    """Shopee Seller Centre (Malaysia), My Orders, Export (XLSX): a line per order item."""
    parents = {"BAJU-KURUNG": ("Baju Kurung Moden Cotton", ("S", "M", "L", "XL")),
               "TUDUNG-BAWAL": ("Tudung Bawal Printed", ("Hitam", "Putih", "Biru"))}  # fmt: skip
    skus = [f"{p}-{v}" for p, (_, vs) in parents.items() for v in vs]
    lines = _lines(20, skus, cancel=3)
    rows = [["Order ID", "Order Status", "Return / Refund Status", "Tracking Number*",
             "Shipping Option", "Estimated Ship Out Date", "Order Creation Date",
             "Order Paid Time", "Parent SKU Reference No.", "Product Name",
             "SKU Reference No.", "Variation Name", "Original Price", "Deal Price", "Quantity",
             "Returned quantity", "Product Subtotal", "Total Discount", "Seller Voucher",
             "Number of product in order", "Username (Buyer)", "Receiver Name", "Town",
             "City", "Province", "Country", "Zip Code", "Order Complete Time"]]  # fmt: skip
    per_order = pd.Series([x.order for x in lines]).value_counts()
    for x in lines:
        parent = x.code.rsplit("-", 1)[0]
        made = x.when.strftime("%Y-%m-%d %H:%M")
        paid = (x.when + pd.Timedelta(minutes=2)).strftime("%Y-%m-%d %H:%M")
        rows.append([f"2403{x.order:06d}VK{x.order % 97:02d}", "Completed" if x.sold else
                     "Cancelled", "", f"MY24{x.order:09d}", "J&T Express", made, made, paid,
                     parent, parents[parent][0], x.code, x.code.rsplit("-", 1)[1],
                     x.price * 1.2, x.price, x.qty, 0, x.qty * x.price, 0, 0,
                     int(per_order[x.order]), x.buyer, x.buyer.title(), "Seksyen 13",
                     "Shah Alam", "Selangor", "Malaysia", "40100",
                     (x.when + pd.Timedelta(days=4)).strftime("%Y-%m-%d %H:%M")])  # fmt: skip
    series, units = _sold(lines)
    expected = {"date": "Order Paid Time", "ids": ["SKU Reference No."], "target": "Quantity",
                "name": "Product Name", "price": "Deal Price"}  # fmt: skip
    return Export(rows, expected, series, units, "intl", sheet="orders", suffix="xlsx")


def shopee_tw_orders() -> Export:
    """蝦皮賣家中心（台灣）我的銷售 匯出（XLSX），繁體中文表頭：主商品貨號與商品選項貨號。"""
    parents = {"TW-BAG-01": ("帆布托特包 大容量", ("米白", "黑色", "軍綠")),
               "TW-CAP-02": ("刺繡棒球帽", ("黑", "白"))}  # fmt: skip
    skus = [f"{p}-{i}" for p, (_, vs) in parents.items() for i in range(len(vs))]
    lines = _lines(21, skus, cancel=2)
    rows = [["訂單編號", "訂單狀態", "訂單成立日期", "買家帳號", "商品名稱", "商品選項名稱",
             "商品原價", "商品活動價格", "數量", "主商品貨號", "商品選項貨號", "商品總價",
             "買家支付運費", "收件者姓名", "取件門市地址"]]  # fmt: skip
    for x in lines:
        parent, i = x.code.rsplit("-", 1)
        price = round(x.price * 30)
        rows.append([f"2403{x.order:06d}TW{x.order % 89:02d}", "已完成" if x.sold else "已取消",
                     x.when.strftime("%Y-%m-%d %H:%M"), x.buyer, parents[parent][0],
                     parents[parent][1][int(i)], str(price + 50), str(price), str(x.qty), parent,
                     x.code, str(price * x.qty), "60", "王小明", "7-ELEVEN 信義門市"])  # fmt: skip
    series, units = _sold(lines)
    expected = {"date": "訂單成立日期", "ids": ["商品選項貨號"], "target": "數量",
                "name": "商品名稱", "price": "商品活動價格"}  # fmt: skip
    return Export(rows, expected, series, units, "CN", sheet="orders", suffix="xlsx")


# -- Chinese platforms ------------------------------------------------------------------


def qianniu_order_items() -> Export:
    """千牛 已卖出的宝贝 导出订单（子订单维度，GB18030 CSV，Windows 换行）。"""
    codes = [f"KZ{n:03d}-{c}" for n in (101, 102, 205) for c in ("黑", "灰", "卡其")]
    names = {c: ("直筒休闲裤 男款" if c.startswith("KZ1") else "工装短裤 夏季") for c in codes}
    lines = _lines(22, codes, cancel=3)
    rows = [["子订单编号", "主订单编号", "商品标题", "商品价格", "购买数量", "外部系统编号",
             "商品属性", "套餐信息", "备注", "订单状态", "商家编码", "买家实付金额", "退款状态",
             "订单创建时间", "订单付款时间", "商品ID"]]  # fmt: skip
    for i, x in enumerate(lines):
        made = x.when.strftime("%Y-%m-%d %H:%M:%S")
        paid = (x.when + pd.Timedelta(seconds=75)).strftime("%Y-%m-%d %H:%M:%S")
        rows.append([f"{3800000000000000000 + 7 * i}", f"{3799000000000000000 + x.order}",
                     names[x.code], f"{x.price:.2f}", str(x.qty), x.code.split("-")[0],
                     f"颜色分类：{x.code.split('-')[1]}；尺码：L", "", "", "交易成功" if x.sold
                     else "交易关闭", x.code, f"{x.qty * x.price:.2f}",
                     "没有申请退款" if x.sold else "退款成功", made, paid,
                     f"7{x.code[2:5]}0012345"])  # fmt: skip
    series, units = _sold(lines)
    expected = {"date": "订单付款时间", "ids": ["商家编码"], "target": "购买数量",
                "name": "商品标题", "price": "商品价格"}  # fmt: skip
    return Export(rows, expected, series, units, "CN", encoding="gb18030", newline="\r\n")


def sycm_item_effect() -> Export:
    """生意参谋 品类 → 商品效果 → 下载（XLSX）：表头上方有标题和统计时间，数字带千位逗号。"""
    items = [(f"68{6912345 + 101 * i:08d}", f"TS-24{i:03d}", name) for i, name in
             enumerate(["冰丝防晒衣 女", "速干运动T恤", "高腰瑜伽裤", "运动内衣 防震",
                        "轻薄风衣 春秋", "弹力运动短裤"])]  # fmt: skip
    rows = [["商品效果明细"], ["统计时间：2024-03-01 ~ 2024-03-14", None, None, "终端：所有终端"],
            [None],
            ["统计日期", "商品ID", "商品名称", "货号", "商品状态", "商品访客数", "商品浏览量",
             "平均停留时长", "商品详情页跳出率", "商品收藏人数", "商品加购件数", "商品加购人数",
             "下单买家数", "下单件数", "下单金额", "下单转化率", "支付买家数", "支付件数",
             "支付金额", "商品支付转化率", "成功退款金额", "月累计支付件数"]]  # fmt: skip
    units, month = 0, {}
    for day, pid, n in _days(23, [i[0] for i in items]):
        _, code, name = next(i for i in items if i[0] == pid)
        visitors = 900 + 131 * n + int(pid[-3:])
        month[pid] = month.get(pid, 0) + n
        units += n
        rows.append([day.strftime("%Y-%m-%d"), pid, name, code, "当前在线", f"{visitors:,}",
                     f"{int(visitors * 1.7):,}", "21.35", "62.10%", str(n + 3), str(2 * n + 5),
                     str(n + 4), str(n + 1), str(n + 1), f"{(n + 1) * 89.0:,.2f}",
                     f"{(n + 1) / visitors:.2%}", str(n), str(n), f"{n * 1089.0:,.2f}",
                     f"{n / visitors:.2%}", "0.00", f"{month[pid]:,}"])  # fmt: skip
    expected = {"date": "统计日期", "ids": ["货号"], "target": "支付件数", "name": "商品名称",
                "revenue": "支付金额"}  # fmt: skip
    return Export(rows, expected, len(items), units, "CN", sheet="商品效果", suffix="xlsx")


def jd_shangzhi_items() -> Export:
    """京麦 / 京东商智 商品 → 商品明细（按日，XLSX）：SKU 为京东的 12 位编号。"""
    items = {f"{100038123450 + 97 * i}": name for i, name in
             enumerate(["电动牙刷 声波 成人", "冲牙器 便携式", "牙刷头 4支装", "电动牙刷 儿童"])}  # fmt: skip
    rows = [["日期", "SKU", "商品名称", "品牌", "一级类目", "二级类目", "三级类目", "浏览量",
             "访客数", "人均浏览量", "平均停留时长(秒)", "跳失率", "成交客户数", "成交单量",
             "成交商品件数", "成交金额", "成交转化率", "加购客户数", "加购商品件数", "UV价值"]]  # fmt: skip
    units = 0
    for day, sku, n in _days(24, list(items), days=21):
        views = 400 + 57 * n
        units += n
        rows.append([day.strftime("%Y-%m-%d"), sku, items[sku], "洁碧佳", "个护健康",
                     "口腔护理", "电动牙刷" if "牙刷" in items[sku] else "冲牙器", views,
                     views // 2, 2.1, 37.5, "41.20%", max(0, n - 1), max(0, n - 1), n,
                     round(n * 199.0, 2), f"{n / max(1, views // 2):.2%}", n + 2, n + 3,
                     round(n * 199.0 / max(1, views // 2), 2)])  # fmt: skip
    expected = {"date": "日期", "ids": ["SKU"], "target": "成交商品件数", "name": "商品名称",
                "revenue": "成交金额", "brand": "品牌", "category": "一级类目"}  # fmt: skip
    return Export(rows, expected, len(items), units, "CN", sheet="商品明细", suffix="xlsx")


def douyin_orders() -> Export:
    """抖店 订单管理 → 导出（标准报表，UTF-8 带 BOM 的 CSV）：订单号前加制表符防 Excel 截断。"""
    codes = ["DY-MSK-01", "DY-MSK-02", "DY-LIP-301", "DY-LIP-302", "DY-LIP-303", "DY-SUN-50"]
    names = {c: {"MSK": "玻尿酸补水面膜 10片装", "LIP": "丝绒哑光口红", "SUN": "清爽防晒霜 SPF50"}
             [c.split("-")[1]] for c in codes}  # fmt: skip
    lines = _lines(25, codes, n_orders=55, cancel=4)
    rows = [["主订单编号", "子订单编号", "选购商品", "商品规格", "商品数量", "商品ID", "商家编码",
             "商品单价", "订单应付金额", "运费", "优惠总金额", "平台优惠", "商家优惠", "达人优惠",
             "支付方式", "收件人", "收件人手机号", "省", "市", "区", "详细地址", "买家留言",
             "订单提交时间", "支付完成时间", "订单完成时间", "App渠道", "流量来源", "订单状态",
             "售后状态", "商家备注", "达人ID", "达人昵称"]]  # fmt: skip
    for i, x in enumerate(lines):
        made = x.when.strftime("%Y/%m/%d %H:%M:%S")
        paid = (x.when + pd.Timedelta(seconds=40)).strftime("%Y/%m/%d %H:%M:%S")
        rows.append([f"\t69{x.order:017d}", f"\t69{x.order:015d}{i % 100:02d}", names[x.code],
                     x.code.split("-")[2] + "号色" if "LIP" in x.code else "默认", str(x.qty),
                     f"\t36{codes.index(x.code) // 2:017d}", x.code, f"{x.price:.2f}",
                     f"{x.qty * x.price:.2f}", "0.00", "5.00", "0.00", "5.00", "0.00", "抖音支付",
                     "李**", "138****5678", "浙江省", "杭州市", "西湖区", "文三路***号", "",
                     made, paid, "" if not x.sold else paid, "抖音", "直播",
                     "已完成" if x.sold else "已关闭", "", "", "7123456", "美妆小王"])  # fmt: skip
    series, units = _sold(lines)
    expected = {"date": "支付完成时间", "ids": ["商家编码"], "target": "商品数量",
                "name": "选购商品", "price": "商品单价"}  # fmt: skip
    return Export(rows, expected, series, units, "CN", encoding="utf-8-sig")


def kuaishou_orders() -> Export:
    """快手小店 订单 → 批量导出（XLSX）。"""
    codes = [f"KS-TEA-{g}" for g in ("LJ250", "LJ500", "DHP100", "BC200", "MLH50")]
    names = {c: {"LJ": "明前龙井 罐装", "DH": "大红袍 礼盒", "BC": "白茶饼 福鼎", "ML": "茉莉花茶"}
             [c.split("-")[2][:2]] for c in codes}  # fmt: skip
    lines = _lines(26, codes, cancel=3)
    rows = [["订单号", "订单状态", "订单创建时间", "订单支付时间", "商品ID", "商品名称",
             "商品规格", "SKU编码", "商品单价", "商品数量", "实付款", "运费", "买家昵称",
             "收货人", "收货地址", "达人ID", "售后状态"]]  # fmt: skip
    for x in lines:
        rows.append([f"23{x.order:014d}", "交易成功" if x.sold else "交易关闭",
                     x.when.strftime("%Y-%m-%d %H:%M:%S"),
                     (x.when + pd.Timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S"),
                     f"2145{codes.index(x.code):08d}", names[x.code], x.code.split("-")[2],
                     x.code, x.price, x.qty, round(x.qty * x.price, 2), 0, x.buyer, "张*",
                     "福建省福州市****", "", ""])  # fmt: skip
    series, units = _sold(lines)
    expected = {"date": "订单支付时间", "ids": ["SKU编码"], "target": "商品数量",
                "name": "商品名称", "price": "商品单价"}  # fmt: skip
    return Export(rows, expected, series, units, "CN", sheet="订单列表", suffix="xlsx")


def youzan_orders() -> Export:
    """有赞 订单 → 订单导出（商品维度，XLSX）：商品编码是款，规格编码是规格。"""
    styles = {"YZ-SOAP": "手工冷制皂", "YZ-CNDL": "香薰蜡烛"}
    specs = {f"{s}-{v}": s for s in styles for v in ("01", "02", "03")}
    lines = _lines(27, list(specs), cancel=3)
    rows = [["订单号", "归属店铺", "订单类型", "订单状态", "商品名称", "规格/型号", "商品编码",
             "规格编码", "商品数量", "商品单价", "商品优惠后价格", "商品金额小计",
             "订单创建时间", "买家付款时间", "买家昵称", "收货人/提货人", "买家备注"]]  # fmt: skip
    for x in lines:
        rows.append([f"E2024{x.order:015d}", "禾木生活馆", "普通订单",
                     "交易成功" if x.sold else "已关闭", styles[specs[x.code]],
                     f"{x.code[-2:]}号香型", specs[x.code], x.code, x.qty, x.price, x.price,
                     round(x.qty * x.price, 2), x.when.strftime("%Y-%m-%d %H:%M:%S"),
                     (x.when + pd.Timedelta(minutes=2)).strftime("%Y-%m-%d %H:%M:%S"),
                     x.buyer, "周*", ""])  # fmt: skip
    series, units = _sold(lines)
    # one shop (禾木生活馆) on every row tells no products apart: not part of the ID
    expected = {"date": "买家付款时间", "ids": ["规格编码"], "target": "商品数量",
                "name": "商品名称", "price": "商品单价"}  # fmt: skip
    return Export(rows, expected, series, units, "CN", sheet="订单明细", suffix="xlsx")


def weidian_orders() -> Export:
    """微店 店长版 订单管理 → 导出订单（UTF-8 带 BOM 的 CSV）。"""
    codes = ["WD-HONEY-500", "WD-HONEY-1K", "WD-JAM-STR", "WD-JAM-BLU", "WD-NUT-MIX"]
    names = {c: {"HONEY": "土蜂蜜 农家", "JAM": "手工果酱", "NUT": "每日坚果 30包"}
             [c.split("-")[1]] for c in codes}  # fmt: skip
    lines = _lines(28, codes, cancel=2)
    rows = [["订单编号", "订单状态", "下单时间", "付款时间", "商品名称", "商品型号", "商品编码",
             "商品单价", "购买数量", "商品总价", "运费", "订单总价", "买家昵称", "收货人姓名",
             "收货人手机", "收货地址", "买家留言"]]  # fmt: skip
    for x in lines:
        rows.append([f"8{x.order:011d}", "已完成" if x.sold else "已关闭",
                     x.when.strftime("%Y-%m-%d %H:%M:%S"),
                     (x.when + pd.Timedelta(seconds=30)).strftime("%Y-%m-%d %H:%M:%S"),
                     names[x.code], x.code.split("-")[2], x.code, f"{x.price:.2f}", str(x.qty),
                     f"{x.qty * x.price:.2f}", "0.00", f"{x.qty * x.price:.2f}", x.buyer,
                     "陈**", "139****0000", "四川省成都市****", ""])  # fmt: skip
    series, units = _sold(lines)
    expected = {"date": "付款时间", "ids": ["商品编码"], "target": "购买数量",
                "name": "商品名称", "price": "商品单价"}  # fmt: skip
    return Export(rows, expected, series, units, "CN", encoding="utf-8-sig")


# -- Chinese desktop ERPs ------------------------------------------------------------------


def guanjiapo_sales_detail() -> Export:
    """管家婆 辉煌版 销售单明细 → 导出（GBK CSV）：标题行、查询条件，最后一行合计。"""
    goods = {"010101": ("康师傅红烧牛肉面 5连包", "5*103g", 13.5),
             "010102": ("统一老坛酸菜面 5连包", "5*121g", 14.0),
             "020301": ("农夫山泉 550ml*24", "550ml", 28.0),
             "020302": ("怡宝纯净水 555ml*24", "555ml", 26.0),
             "030105": ("旺旺雪饼 520g", "520g", 16.8)}  # fmt: skip
    rows = [["销售单明细"], ["查询条件：2024-03-01 至 2024-03-31", "", "制表：管理员"],
            ["日期", "单据编号", "单据类型", "往来单位", "经手人", "仓库", "商品编号",
             "商品全名", "规格", "型号", "单位", "数量", "单价", "金额", "备注"]]  # fmt: skip
    rng = np.random.default_rng(29)
    keys, units, money, n = set(), 0, 0.0, 0
    for day in pd.date_range("2024-03-01", periods=18):
        for _ in range(3):
            n += 1
            shop = ("便民超市", "阳光小卖部", "城东批发部")[n % 3]
            store = ("总仓", "城东仓")[n % 2]
            for code in rng.choice(list(goods), size=2, replace=False):
                name, spec, price = goods[code]
                qty = int(rng.integers(1, 12))
                keys.add((store, code))
                units += qty
                money += qty * price
                rows.append([day.strftime("%Y-%m-%d"), f"XS-{day:%Y%m%d}-{n:04d}", "销售单",
                             shop, "张三", store, code, name, spec, "", "箱", str(qty),
                             f"{price:.2f}", f"{qty * price:.2f}", ""])  # fmt: skip
    rows.append(["合计", "", "", "", "", "", "", "", "", "", "", str(units), "",
                 f"{money:,.2f}", ""])  # fmt: skip
    expected = {"date": "日期", "ids": ["仓库", "商品编号"], "target": "数量",
                "name": "商品全名", "price": "单价", "revenue": "金额"}  # fmt: skip
    return Export(rows, expected, len(keys), units, "CN", encoding="gbk", newline="\r\n")


def kingdee_sales_outbound() -> Export:
    """金蝶云·星空 供应链 → 销售出库单 列表 → 引出（XLSX）：物料编码如 01.02.0015。"""
    mats = {"01.02.0015": ("不锈钢保温杯 500ml", "500ml 本色"),
            "01.02.0016": ("不锈钢保温杯 350ml", "350ml 本色"),
            "01.03.0101": ("玻璃密封罐 1L", "1000ml"),
            "02.01.0007": ("硅胶保鲜盖 6件套", "6件套"),
            "02.01.0008": ("硅胶保鲜盖 3件套", "3件套")}  # fmt: skip
    rows = [["单据编号", "日期", "销售组织", "客户", "单据状态", "物料编码", "物料名称",
             "规格型号", "库存单位", "实发数量", "销售单位", "单价", "含税单价", "价税合计",
             "仓库", "批号", "备注"]]  # fmt: skip
    rng = np.random.default_rng(30)
    keys, units = set(), 0
    for n, day in enumerate(pd.date_range("2024-03-01", periods=40, freq="12h")):
        store = ("成品仓", "电商仓")[n % 2]
        for code in rng.choice(list(mats), size=2, replace=False):
            qty = int(rng.integers(5, 60))
            price = 20.0 + 3 * list(mats).index(code)
            keys.add((store, code))
            units += qty
            rows.append([f"XSCKD{n + 120:06d}", dt.datetime(day.year, day.month, day.day),
                         "杭州禾器实业有限公司", ("联华超市", "永辉超市", "天猫旗舰店")[n % 3],
                         "已审核", code, mats[code][0], mats[code][1], "个", qty, "个",
                         round(price / 1.13, 6), price, round(qty * price, 2), store,
                         f"B2403{n:03d}", ""])  # fmt: skip
    expected = {"date": "日期", "ids": ["仓库", "物料编码"], "target": "实发数量",
                "name": "物料名称", "price": "单价", "revenue": "价税合计"}  # fmt: skip
    return Export(rows, expected, len(keys), units, "CN", sheet="销售出库单", suffix="xlsx")


def yonyou_u8_outbound() -> Export:
    """用友 U8 库存管理 → 销售出库单列表 → 输出（GB18030 CSV：客户名里有 GBK 没有的字）。"""
    goods = {"CP0101": ("有机大米 5kg", "5kg/袋"), "CP0102": ("有机大米 10kg", "10kg/袋"),
             "CP0201": ("小米 2.5kg", "2.5kg/袋"), "CP0305": ("东北黑木耳 250g", "250g/盒")}  # fmt: skip
    rows = [["出库日期", "出库单号", "仓库", "客户", "业务类型", "存货编码", "存货名称",
             "规格型号", "主计量单位", "数量", "单价", "金额", "制单人", "审核人"]]  # fmt: skip
    rng = np.random.default_rng(31)
    keys, units = set(), 0
    for n, day in enumerate(pd.date_range("2024-03-01", periods=30)):
        for code in rng.choice(list(goods), size=3, replace=False):
            qty = int(rng.integers(2, 40))
            keys.add(("原料成品库", code))
            units += qty
            price = 30.0 + 5 * list(goods).index(code)
            rows.append([day.strftime("%Y-%m-%d"), f"0000{n + 300:06d}", "原料成品库",
                         ("䶮记粮油店", "华联超市", "家乐福（中国）")[n % 3], "普通销售", code,
                         goods[code][0], goods[code][1], "袋", str(qty), f"{price:.2f}",
                         f"{qty * price:.2f}", "李会计", "王主管"])  # fmt: skip
    # one warehouse (原料成品库) on every row tells no products apart: not part of the ID
    expected = {"date": "出库日期", "ids": ["存货编码"], "target": "数量",
                "name": "存货名称", "price": "单价", "revenue": "金额"}  # fmt: skip
    return Export(rows, expected, len(keys), units, "CN", encoding="gb18030", newline="\r\n")


CORPUS = [
    shopify_sales_by_variant,
    amazon_business_report_child,
    amazon_fba_shipments_de,
    ebay_orders_report,
    square_item_sales,
    walmart_orders,
    lightspeed_product_sales,
    tiktok_shop_orders,
    shopee_my_orders,
    shopee_tw_orders,
    qianniu_order_items,
    sycm_item_effect,
    jd_shangzhi_items,
    douyin_orders,
    kuaishou_orders,
    youzan_orders,
    weidian_orders,
    guanjiapo_sales_detail,
    kingdee_sales_outbound,
    yonyou_u8_outbound,
]


@pytest.mark.parametrize("make", CORPUS, ids=[f.__name__ for f in CORPUS])
def test_export_corpus(tmp_path, make):
    export = make()
    path = tmp_path / f"{make.__name__}.{export.suffix}"
    _write(export, path)
    ds = load_dataset(path)
    got = ds.mapping.to_dict()
    assert {k: got[k] for k in export.expected} == export.expected
    assert ds.n_series == export.series
    assert ds.frame["y"].sum() == export.units
    assert ds.roles["target"]["confidence"] >= 0.5
    assert ds.report.by_code("unused_product_codes") is None
    suggested = ds.roles.get("region")
    assert (suggested or {}).get("region") == export.region, suggested


def lazada_orders() -> Export:
    """Lazada Seller Center (Malaysia), Orders, Export: one row per unit sold, no quantity
    column (an order of 3 fans is 3 rows, each with its ``orderItemId``)."""
    codes = ["LZ-FAN-16IN-WH", "LZ-FAN-16IN-BK", "LZ-LAMP-LED-03", "LZ-LAMP-LED-04"]
    lines = _lines(32, codes)
    rows = [["orderItemId", "orderType", "Guarantee", "deliveryType", "lazadaId", "sellerSku",
             "lazadaSku", "wareHouse", "createTime", "updateTime", "orderNumber",
             "customerName", "paidPrice", "unitPrice", "sellerDiscountTotal", "shippingFee",
             "walletCredit", "itemName", "variation", "shippingProvider", "status"]]  # fmt: skip
    item = 0
    for x in lines:
        for _ in range(x.qty):
            item += 1
            k = codes.index(x.code)
            stamp = x.when.strftime("%d %b %Y %H:%M")
            rows.append([str(3640000000 + item), "Normal", "", "dropshipping", str(2871 + k),
                         x.code, f"{2871 + k}_MY-{1150 + k}", "dropshipping", stamp, stamp,
                         str(170000000 + x.order), x.buyer.title(), f"{x.price:.2f}",
                         f"{x.price:.2f}", "0.00", "0.00", "0.00",
                         "Desk Fan 16 inch" if "FAN" in x.code else "LED Desk Lamp",
                         f"Color Family:{x.code[-2:]}", "LEX MY", "delivered"])  # fmt: skip
    # ``wareHouse`` says "dropshipping" on every row: it tells no products apart
    return Export(rows, {"ids": ["sellerSku"]}, len(codes), item, "intl")


def test_lazada_one_row_per_unit_is_refused_not_misread(tmp_path):
    """With no quantity column, whole prices (29.00) must not be read as units sold."""
    path = tmp_path / "lazada.csv"
    _write(lazada_orders(), path)
    with pytest.raises(InputError) as caught:
        load_dataset(path)
    en = caught.value.message("en")
    assert "quantity sold" in en and "--target-col" in en and "paidPrice" not in en
    # the shape of one row per unit is named, with the way to count rows
    assert "'orderNumber' repeats within an order" in en and "'orderItemId' differs" in en
    assert "--count-rows" in en and "Each row is one unit sold" in en
    zh = caught.value.message("zh")
    assert "销量" in zh and "--count-rows" in zh and "每行是售出的一件" in zh


def _units_per_product_day(rows: list[list[str]], code: str, when: str) -> dict:
    """(code, day) -> rows of the generated file: the units sold when each row is one."""
    header = rows[0]
    k, t = header.index(code), header.index(when)
    days = [pd.Timestamp(dt.datetime.strptime(r[t], "%d %b %Y %H:%M").date()) for r in rows[1:]]
    return pd.Series(1.0, index=pd.MultiIndex.from_arrays(
        [[r[k] for r in rows[1:]], days])).groupby(level=[0, 1]).sum().to_dict()  # fmt: skip


def _imported_units(ds, code: str) -> dict:
    codes = ds.series.set_index("unique_id")[code]
    frame = ds.frame.assign(code=ds.frame["unique_id"].map(codes))
    return frame.set_index(["code", "ds"])["y"].to_dict()


def test_count_rows_counts_each_row_as_one_unit(tmp_path, capsys):
    export = lazada_orders()
    path = tmp_path / "lazada.csv"
    _write(export, path)
    ds = load_dataset(path, ImportOptions(count_rows=True))
    assert ds.mapping.ids == export.expected["ids"] == ["sellerSku"]
    assert ds.roles["ids"]["column"] == ["sellerSku"]
    assert sorted(ds.series["unique_id"]) == sorted(set(r[5] for r in export.rows[1:]))
    left_out = ds.report.by_code("redundant_id_column")
    assert left_out.column == "wareHouse" and "'dropshipping'" in left_out.en
    assert "“dropshipping”" in left_out.zh and "--id-cols wareHouse,sellerSku" in left_out.action_zh
    expected = _units_per_product_day(export.rows, "sellerSku", "createTime")
    assert _imported_units(ds, "sellerSku") == expected
    assert ds.n_series == export.series == 4 and ds.frame["y"].sum() == export.units == 183
    assert ds.mapping.target is None and ds.source.layout == "orders"
    counted = ds.report.by_code("rows_counted")
    assert counted.en == ("Each row counted as one unit sold (--count-rows): 183 rows → "
                          "183 units")  # fmt: skip
    assert "每行计为售出一件" in counted.zh and "183 件" in counted.zh
    assert ds.report.by_code("quantity_column_ignored") is None  # there is no such column
    assert ImportOptions.from_dict(ImportOptions(count_rows=True).to_dict()).count_rows

    assert main(["inspect", str(path), "--json", "--count-rows"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["series"], summary["total_quantity"]) == (4, 183.0)
    assert summary["mapping"]["target"] is None and summary["mapping"]["ids"] == ["sellerSku"]


def test_per_unit_rows_are_told_from_contents_not_header_names(tmp_path):
    export = lazada_orders()
    header = export.rows[0]
    export.rows[0] = [f"col{i}" for i in range(len(header))]
    path = tmp_path / "unnamed.csv"
    _write(export, path)
    with pytest.raises(InputError) as caught:
        load_dataset(path)
    order, line = (f"col{header.index(c)}" for c in ("orderNumber", "orderItemId"))
    en = caught.value.message("en")
    assert f"'{order}' repeats within an order" in en and f"'{line}' differs" in en
    ds = load_dataset(path, ImportOptions(count_rows=True))
    code = f"col{header.index('sellerSku')}"
    assert ds.mapping.ids == [code]
    expected = _units_per_product_day(export.rows, code, f"col{header.index('createTime')}")
    assert _imported_units(ds, code) == expected


def test_count_rows_wins_over_a_quantity_column_and_says_which(tmp_path):
    rows = _uk_rows([])
    path = tmp_path / "online_retail.csv"
    path.write_text(to_text(rows), encoding="utf-8")
    plain = load_dataset(path)  # without the option: the quantities, as before
    assert plain.mapping.target == "Quantity"
    assert plain.frame["y"].sum() == sum(int(r[3]) for r in rows[1:])
    assert plain.report.by_code("rows_counted") is None
    counted = load_dataset(path, ImportOptions(count_rows=True))
    assert counted.mapping.target is None
    assert counted.frame["y"].sum() == len(rows) - 1 == 120
    assert counted.n_series == plain.n_series
    ignored = counted.report.by_code("quantity_column_ignored")
    assert ignored.severity == "warning" and ignored.column == "Quantity"
    assert "'Quantity'" in ignored.en and "--count-rows" in ignored.en and "忽略" in ignored.zh
    chosen = load_dataset(path, ImportOptions(count_rows=True, target_col="UnitPrice"))
    assert chosen.report.by_code("quantity_column_ignored").column == "UnitPrice"


def test_windows_1252_names_read_as_written(tmp_path):
    # 'ö' 'ß' pair up as one valid GB18030 character: 'Größe' must not read as 'Gr鲞e'
    export = amazon_fba_shipments_de()
    path = tmp_path / "shipments.txt"
    _write(export, path)
    ds = load_dataset(path)
    assert ds.series["name"].str.contains("Größe").all()
    assert ds.source.encoding == "cp1252"


def test_chinese_names_next_to_latin_letters_stay_gb18030(tmp_path):
    names = ["T恤L码", "纯棉T恤男款", "A款B", "碎花连衣裙女"]
    rows = ["日期,商品编码,商品名称,销量"] + [
        f"2024-03-{d:02d},{100 + k},{name},{d + k}" for d in range(1, 29)
        for k, name in enumerate(names)
    ]  # fmt: skip
    path = tmp_path / "gbk.csv"
    path.write_bytes(("\n".join(rows) + "\n").encode("gb18030"))
    ds = load_dataset(path)
    assert ds.source.encoding == "gb18030"
    assert sorted(ds.series["name"]) == sorted(names)


# -- names and codes as a user expects (issue 15 item 5) -----------------------------------

UK_HEADER = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice",
             "CustomerID", "Country"]  # fmt: skip
UK_NAMES = {"85123A": "WHITE HANGING HEART T-LIGHT HOLDER", "71053": "WHITE METAL LANTERN",
            "84406B": "CREAM CUPID HEARTS COAT HANGER", "22752": "SET 7 BABUSHKA NESTING BOXES",
            "21730": "GLASS STAR FROSTED T-LIGHT HOLDER", "22633": "HAND WARMER UNION JACK",
            "84879": "ASSORTED COLOUR BIRD ORNAMENT", "22041": "RECORD FRAME 7\" SINGLE SIZE"}  # fmt: skip


def _uk_rows(extra: list[list[str]], seed: int = 40) -> list[list[str]]:
    """Online Retail order lines (UK), and ``extra`` lines appended as the till wrote them."""
    rng = np.random.default_rng(seed)
    rows = [UK_HEADER]
    codes = list(UK_NAMES)
    for k in range(60):
        when = (START + pd.Timedelta(hours=7 * k)).strftime("%d/%m/%Y %H:%M")
        customer = str(17850 + int(rng.integers(0, 25)))
        for code in rng.choice(codes, size=2, replace=False):
            country = "United Kingdom" if k % 7 else "France"
            rows.append([str(536365 + k), code, UK_NAMES[code], str(int(rng.integers(1, 13))),
                         when, "2.55", customer, country])  # fmt: skip
    return rows + extra


def _stock_note(k: int, code: str, text: str, qty: int = -3) -> list[str]:
    when = (START + pd.Timedelta(hours=7 * k + 3)).strftime("%d/%m/%Y %H:%M")
    return [str(536365 + k), code, text, str(qty), when, "0", "", "United Kingdom"]


def test_a_product_is_named_by_its_most_frequent_description(tmp_path):
    notes = [_stock_note(k, "84879", "check") for k in range(2, 60, 4)]  # more than the name
    notes += [_stock_note(k, "22633", t) for k, t in
              ((3, "damaged"), (9, "??"), (15, "wrongly marked 23343"), (21, "Damaged"),
               (27, "?lost"), (33, "damaged"), (39, "damaged"), (45, "damaged"))]  # fmt: skip
    notes += [_stock_note(k, "21730", "GLASS STAR FROSTED T-LIGHT HOLDR") for k in (5, 11)]
    notes += [_stock_note(k, "90214Y", t, 1) for k, t in ((8, "check"), (20, "??"))]
    rows = _uk_rows(notes)
    for i, row in enumerate(rows[1:], 1):  # the name most rows carry, also when it is older
        if i % 9 == 0 and row[1] == "85123A":
            row[2] = "CREAM HANGING HEART T-LIGHT HOLDER"
    path = tmp_path / "online_retail.csv"
    path.write_text(to_text(rows), encoding="utf-8")
    ds = load_dataset(path)
    names = ds.series.set_index("unique_id")["name"]
    for code, name in UK_NAMES.items():
        assert names[code] == name, code
    assert names["90214Y"] == ""  # only notes: shown by its code


def _case_rows() -> list[list[str]]:
    rows = _uk_rows([])
    for i, row in enumerate(rows[1:], 1):
        if row[1] == "85123A" and i % 4 == 0:
            row[1] = "85123a"  # the till's lower-case variant of the same heart holder
        elif row[1] == "22041" and i % 3 == 0:
            row[1] = " 22041 "  # pasted with spaces around it
        elif row[1] == "84406B" and i % 5 == 0:
            row[1] = "84406b"
    return rows


def test_codes_differing_in_case_or_spaces_are_flagged_and_can_be_merged(tmp_path, capsys):
    path = tmp_path / "online_retail.csv"
    path.write_text(to_text(_case_rows()), encoding="utf-8")
    ds = load_dataset(path)
    assert ds.n_series == len(UK_NAMES) + 2  # kept apart unless the user says otherwise
    flag = ds.report.by_code("case_variant_codes")
    assert flag.severity == "warning" and flag.column == "StockCode"
    assert "85123A / 85123a" in flag.en and "84406B / 84406b" in flag.en
    assert "大小写" in flag.zh and "--merge-case-codes" in flag.action_en
    assert flag.n_rows > 0 and flag.rows
    spaces = ds.report.by_code("codes_with_spaces")
    assert spaces.severity == "info" and "22041" in spaces.en and "空格" in spaces.zh
    assert "22041" in set(ds.series["unique_id"])  # spaces are never part of a code

    merged = load_dataset(path, ImportOptions(merge_case_codes=True))
    assert merged.n_series == len(UK_NAMES)
    assert {"85123A", "84406B"} <= set(merged.series["unique_id"])
    assert merged.frame["y"].sum() == ds.frame["y"].sum()
    assert merged.report.by_code("case_codes_merged") is not None
    assert merged.report.by_code("case_variant_codes") is None
    assert ImportOptions.from_dict(ImportOptions(merge_case_codes=True).to_dict()).merge_case_codes

    assert main(["inspect", str(path), "--json", "--merge-case-codes"]) == 0
    assert json.loads(capsys.readouterr().out)["series"] == len(UK_NAMES)


def _priced(sign: str, header: list[str] | None = None) -> list[list[str]]:
    rows = [header or ["Date", "SKU", "Product", "Qty", "Price"]]
    for day in pd.date_range("2024-03-01", periods=10):
        for k, sku in enumerate(("A-100", "B-200", "C-300")):
            rows.append(
                [f"{day:%Y-%m-%d}", sku, f"Thing {k}", str(k + day.day % 3), f"{sign}{9 + k}.50"]
            )
    return rows


@pytest.mark.parametrize(
    ("sign", "region"), [("$", "US"), ("US$", "US"), ("￥", "CN"), ("¥", "CN"), ("£", "GB"),
                         ("€", "intl"), ("NZ$", "intl"), ("", None)],
)  # fmt: skip
def test_the_region_is_suggested_from_currency_signs(tmp_path, sign, region):
    path = tmp_path / "priced.csv"
    path.write_text(to_text(_priced(sign)), encoding="utf-8")
    suggested = load_dataset(path).roles.get("region")
    if region is None:
        assert suggested is None
        return
    assert suggested["region"] == region and suggested["signal"] == "symbol"
    assert suggested["column"] == "Price" and sign in suggested["evidence"]


def test_the_region_is_suggested_from_a_country_then_a_currency_then_chinese_headers(tmp_path):
    path = tmp_path / "uk.csv"
    path.write_text(to_text(_uk_rows([])), encoding="utf-8")
    uk = load_dataset(path).roles["region"]
    assert uk == {"region": "GB", "signal": "country", "column": "Country",
                  "evidence": uk["evidence"], "evidence_zh": uk["evidence_zh"]}  # fmt: skip
    assert uk["evidence"].startswith("United Kingdom on ")
    assert uk["evidence_zh"].endswith("行为“United Kingdom”")
    rows = _priced("$", ["Date", "SKU", "Product", "Qty", "Price"])
    rows = [r + (["Currency"] if i == 0 else ["CNY"]) for i, r in enumerate(rows)]
    path.write_text(to_text(rows), encoding="utf-8")
    cny = load_dataset(path).roles["region"]
    assert (cny["region"], cny["signal"], cny["column"]) == ("CN", "currency", "Currency")
    path.write_text(to_text(_priced("", ["日期", "商品编码", "商品名称", "销量", "单价"])), "utf-8")
    zh = load_dataset(path).roles["region"]
    assert (zh["region"], zh["signal"], zh["column"]) == ("CN", "headers", None)


def test_inspect_shows_the_suggested_region_and_its_signal(tmp_path, capsys):
    path = tmp_path / "ebay.csv"
    _write(ebay_orders_report(), path)
    assert main(["inspect", str(path), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["region"]["region"] == "US"
    assert summary["region"]["signal"] == "country"
    assert summary["region"]["column"] == "Buyer Country"
    assert "region" not in summary["roles"]
    assert main(["inspect", str(path)]) == 0
    text = capsys.readouterr().out
    assert "节假日地区 region: US" in text and "Buyer Country" in text and "--region" in text
    ds = load_dataset(path)
    assert "region: US" in format_summary(dataset_summary(ds), "en")
