"""Bought together (联合促销): the product pairs most often bought in the same order.

From the products per order that the import keeps for order lines with an order number
(:attr:`core.data.Dataset.orders`: cancelled invoices, returns and non-product lines
already left out), for every pair of products A and B:

``orders_together``
    the orders holding both;
``support``
    that count as a share of all orders;
``confidence``
    of the orders holding A, the share that also hold B (A → B); ``confidence_back``
    is B → A;
``lift``
    how many times more often the two share an order than if each were bought on its
    own: ``support(A, B) / (support(A) * support(B))``. Above 1 they go together; 1 is
    chance; below 1 one is bought instead of the other.

Every pair is counted at once: with X the order × product incidence matrix (1 where an
order holds a product), ``X.T @ X`` holds the orders each pair shares and its diagonal
each product's orders (:mod:`scipy.sparse`; half a million lines take about a second,
see ``docs/BENCHMARKS.md``). Two rules keep the pairs meaningful:

- an order holding more than ``max_order_size`` products (a wholesaler's restock, a
  shop's own stock move) would pair each of them with every other one: such orders are
  left out of the counts and reported;
- a pair shared by fewer than ``min_orders`` orders, or with a lift of ``min_lift`` or
  less, is not listed: too few to tell from chance, or not bought together.

:func:`basket_pairs` lists each product's ``top`` partners, most shared orders first;
:func:`strong_partners` picks the first of them for the promotion advice
(:func:`core.recommend.promotion.with_partners`: "promote A with B").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from core.errors import InputError
from core.text import pick

__all__ = [
    "PAIR_COLUMNS",
    "BasketOptions",
    "BasketResult",
    "basket_pairs",
    "strong_partners",
]

#: Columns of :attr:`BasketResult.pairs`, one row per product and partner.
PAIR_COLUMNS = ("unique_id", "partner", "rank", "orders_together", "support", "confidence",
                "confidence_back", "lift", "orders_product", "orders_partner")  # fmt: skip


@dataclass
class BasketOptions:
    """Thresholds of :func:`basket_pairs` (see module doc)."""

    min_orders: int = 5
    max_order_size: int = 100
    top: int = 10
    min_lift: float = 1.0

    def check(self) -> None:
        """Raise :class:`InputError` for a threshold that cannot be used."""
        for name, low in (("min_orders", 1), ("max_order_size", 2), ("top", 1)):
            if int(getattr(self, name)) < low:
                raise InputError(
                    f"{name} must be at least {low}, not {getattr(self, name)}.",
                    f"{name} 至少为 {low}，而不是 {getattr(self, name)}。",
                )
        if not np.isfinite(self.min_lift) or self.min_lift < 0:
            raise InputError(
                f"min_lift must be a number of 0 or more, not {self.min_lift}.",
                f"min_lift 必须是不小于 0 的数，而不是 {self.min_lift}。",
            )


@dataclass
class BasketResult:
    """What :func:`basket_pairs` found.

    Attributes
    ----------
    pairs : pandas.DataFrame
        :data:`PAIR_COLUMNS`: each product's partners (``rank`` 1 = most shared orders),
        sorted by product and rank; each pair appears once from either side.
    n_orders : int
        Orders counted (the denominator of ``support``), oversized ones left out.
    n_products : int
        Products in those orders.
    skipped_orders : int
        Orders left out for holding more than ``options.max_order_size`` products.
    options : BasketOptions
    """

    pairs: pd.DataFrame
    n_orders: int
    n_products: int
    skipped_orders: int
    options: BasketOptions = field(default_factory=BasketOptions)

    def partners(self, product: str) -> pd.DataFrame:
        """The partners of one ``product`` (``unique_id``), best first; empty when none."""
        rows = self.pairs[self.pairs["unique_id"].eq(str(product))]
        return rows.reset_index(drop=True)

    def describe(self, lang: str = "both") -> list[str]:
        """What was counted, and the orders left out, in ``lang``."""
        with_partner = int(self.pairs["unique_id"].nunique())
        opt = self.options
        lines = [pick(
            lang,
            f"Bought together: {self.n_orders:,} orders of {self.n_products:,} products; "
            f"{with_partner:,} products have partners (in at least {opt.min_orders} orders "
            f"together, lift above {opt.min_lift:g}; at most {opt.top} each)",
            f"联合购买：{self.n_orders:,} 个订单、{self.n_products:,} 个商品；其中 {with_partner:,} "
            f"个商品有搭配商品（至少 {opt.min_orders} 个订单同时购买、提升度高于 {opt.min_lift:g}；"
            f"每个最多 {opt.top} 个）",
        )]  # fmt: skip
        if self.skipped_orders:
            lines.append(pick(
                lang,
                f"{self.skipped_orders:,} orders with more than {opt.max_order_size} products "
                "(restocks, stock moves) are left out of the counts",
                f"{self.skipped_orders:,} 个订单包含超过 {opt.max_order_size} 个商品（批发补货、"
                "库存调拨等），未计入统计",
            ))  # fmt: skip
        return lines


def _empty(options: BasketOptions, n_orders: int = 0, n_products: int = 0,
           skipped: int = 0) -> BasketResult:  # fmt: skip
    pairs = pd.DataFrame({c: pd.Series(dtype=object if c in ("unique_id", "partner") else float)
                          for c in PAIR_COLUMNS})  # fmt: skip
    pairs["rank"] = pairs["rank"].astype(np.int64)
    pairs["orders_together"] = pairs["orders_together"].astype(np.int64)
    return BasketResult(pairs, n_orders, n_products, skipped, options)


def _incidence(orders: pd.DataFrame, max_size: int):
    """The order × product 0/1 matrix of the orders up to ``max_size`` products, the
    product labels and how many orders were too large."""
    uid = orders["unique_id"]
    cat = uid.array if isinstance(uid.dtype, pd.CategoricalDtype) else pd.Categorical(uid)
    labels = np.asarray(cat.categories.astype(str), dtype=object)
    prod = np.asarray(cat.codes, dtype=np.int64)
    order = pd.factorize(orders["order"].to_numpy())[0]
    valid = (prod >= 0) & (order >= 0)
    prod, order = prod[valid], order[valid]
    n_orders = int(order.max()) + 1 if len(order) else 0
    x = sparse.csr_matrix((np.ones(len(order), dtype=np.int32), (order, prod)),
                          shape=(n_orders, len(labels)))  # fmt: skip
    x.sum_duplicates()
    x.data[:] = 1  # a product on several lines of one order counts once
    sizes = np.diff(x.indptr)
    big = sizes > max_size
    return x[np.flatnonzero(~big & (sizes > 0))], labels, int(big.sum())


def basket_pairs(orders: pd.DataFrame | None, options: BasketOptions | None = None) -> BasketResult:
    """Each product's partners bought in the same orders (see module doc).

    Parameters
    ----------
    orders : pandas.DataFrame or None
        One row per order line or per order and product: ``order`` (any hashable order
        number or code) and ``unique_id`` (:attr:`core.data.Dataset.orders`). ``None``
        (a file without order numbers) gives an empty result.
    options : BasketOptions, optional

    Returns
    -------
    BasketResult
    """
    options = options or BasketOptions()
    options.check()
    if orders is None or not len(orders):
        return _empty(options)
    x, labels, skipped = _incidence(orders, int(options.max_order_size))
    n_orders = x.shape[0]
    per_product = np.asarray(x.sum(axis=0)).ravel().astype(np.int64)
    n_products = int((per_product > 0).sum())
    # a product in fewer orders than min_orders has no pair to list: leave its column out
    frequent = np.flatnonzero(per_product >= int(options.min_orders))
    sub = x[:, frequent]
    together = sparse.triu(sub.T.tocsr() @ sub, k=1).tocoo()
    strong = together.data >= int(options.min_orders)
    a, b = frequent[together.row[strong]], frequent[together.col[strong]]
    both = together.data[strong].astype(np.int64)
    lift = both * float(n_orders) / (per_product[a] * per_product[b]).astype(float)
    keep = lift > float(options.min_lift)
    if not keep.any():
        return _empty(options, n_orders, n_products, skipped)
    src, dst, both, lift, rank = _top(a[keep], b[keep], both[keep], lift[keep],
                                      int(options.top))  # fmt: skip
    pairs = pd.DataFrame({
        "unique_id": labels[src],
        "partner": labels[dst],
        "rank": rank,
        "orders_together": both,
        "support": both / float(n_orders),
        "confidence": both / per_product[src].astype(float),
        "confidence_back": both / per_product[dst].astype(float),
        "lift": lift,
        "orders_product": per_product[src],
        "orders_partner": per_product[dst],
    })  # fmt: skip
    return BasketResult(pairs, n_orders, n_products, skipped, options)


def _top(a, b, both, lift, top: int):
    """Each pair ``a < b`` from both sides, sorted by product, then most shared orders,
    then highest lift, cut to the ``top`` first of every product: ``(src, dst, both,
    lift, rank)``."""
    src, dst = np.concatenate([a, b]), np.concatenate([b, a])
    both, lift = np.concatenate([both, both]), np.concatenate([lift, lift])
    # two stable sorts (lift, then product and count in one integer key) instead of one
    # four-key lexsort: a third of the time on 600,000 rows
    order = np.argsort(-lift, kind="stable")
    most = int(both.max()) + 1
    order = order[np.argsort(src[order] * most + (most - 1 - both[order]), kind="stable")]
    src, dst, both, lift = src[order], dst[order], both[order], lift[order]
    rank = (np.arange(len(src)) - np.searchsorted(src, src, side="left") + 1).astype(np.int64)
    keep = rank <= top
    return src[keep], dst[keep], both[keep], lift[keep], rank[keep]


def strong_partners(result: BasketResult | None, products=None) -> pd.DataFrame:
    """The best partner of each product: ``unique_id``, ``partner``, ``orders_together``,
    ``lift``.

    The best is the partner sharing the most orders among those :func:`basket_pairs`
    listed (so in at least ``min_orders`` orders, with a lift above ``min_lift``);
    ``products``, when given, limits the partners to those (e.g. the products still on
    sale: a promotion cannot pair a product with one that is no longer sold).
    """
    columns = ["unique_id", "partner", "orders_together", "lift"]
    if result is None or not len(result.pairs):
        return pd.DataFrame(columns=columns)
    pairs = result.pairs
    if products is not None:
        pairs = pairs[pairs["partner"].isin(pd.Index(products).astype(str))]
    best = pairs.drop_duplicates("unique_id", keep="first")  # sorted by rank already
    return best[columns].reset_index(drop=True)
