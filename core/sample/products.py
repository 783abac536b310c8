"""Products of the sample shop: identities from the catalogue, life curves and the
selling and stocking parameters of each SKU.

Roles fix the mix of the shop: ``staple`` (launched years before the window),
``slow`` (intermittent slow movers), ``pre`` (launched before the window), ``new``
(launched in its last two months) and ``in`` (launched inside it). See :mod:`core.sample.shop`
for how the parameters drive demand.
"""

from __future__ import annotations

import functools
import json

import numpy as np

from core.resources import resource_path

#: Product templates (categories, names, list prices, seasons, kinds of life).
CATALOGUE_PATH = resource_path("sample", "catalogue.json")

# Season -> (day of year at the peak, amplitude of the log-cosine).
_SEASONS = {"summer": (196, 1.0), "winter": (355, 1.2), "autumn": (250, 1.6)}
# Life-curve hint -> ranges of days to peak, plateau days, decline stretch (< 1: slower).
_LIFE = {
    "short": ((35, 80), (0, 40), (0.6, 1.0)),
    "long": ((90, 220), (60, 360), (0.3, 0.7)),
    "staple": ((120, 300), (2000, 4000), (0.3, 0.5)),
    "slow": ((60, 90), (5000, 6000), (0.5, 0.5)),
}


def _roles(n: int) -> list[str]:
    """Return the role of each of ``n`` products, in a fixed mix."""
    counts = {
        "staple": 0.15 * n,
        "slow": max(1, 0.07 * n),
        "new": max(1, 0.06 * n),
        "pre": 0.12 * n,
    }
    roles = [role for role, k in counts.items() for _ in range(round(k))]
    return (roles + ["in"] * max(0, n - len(roles)))[:n]


@functools.cache
def _catalogue() -> tuple[tuple, ...]:
    """Templates from ``catalogue.json``: (category no., category, template no., name,
    list price, season, life hint, name variants)."""
    data = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))
    cats = [c for c in data if not c.startswith("_")]
    return tuple(
        (c_i, c, i, *item, tuple(data[c]["variants"]))
        for c_i, c in enumerate(cats)
        for i, item in enumerate(data[c]["items"])
    )


def _pick_template(rng: np.random.Generator, role: str, used: dict) -> dict:
    """Choose a catalogue template fitting ``role`` and name a fresh variant of it."""
    hint = {"staple": "staple", "slow": "slow", "pre": "long"}.get(role)
    hint = hint or ("short" if rng.random() < 0.5 else "long")
    options = [t for t in _catalogue() if t[6] == hint]
    c_i, cat, i, name, price, season, _, variants = options[rng.integers(len(options))]
    k = used[(c_i, i)] = used.get((c_i, i), -1) + 1
    if k >= len(variants):  # a later generation of a best seller
        name = f"{name}{k // len(variants) + 1}代"
    name = f"{name} {variants[k % len(variants)]}"
    return {
        "商品编码": f"00{c_i + 1}{i:02d}{k:02d}",
        "商品名称": name,
        "类目": cat,
        "hint": hint,
        "list_price": price,
        "season": season,
    }


def _life_params(rng: np.random.Generator, role: str, prod: dict, days: int) -> dict:
    """Draw the life curve, launch and discontinuation of one product (day offsets)."""
    (tp0, tp1), (pl0, pl1), (st0, st1) = _LIFE[prod["hint"]]
    t_peak, plateau, stretch = rng.uniform(tp0, tp1), rng.uniform(pl0, pl1), rng.uniform(st0, st1)
    r = float(np.exp(rng.uniform(np.log(30), np.log(150))))
    a = np.log(r) / t_peak
    end_share = rng.uniform(0.03, 0.25)
    disc_age = t_peak + plateau + 2 * np.arccosh(end_share**-0.5) / a / stretch
    if role == "staple":
        launch = -rng.uniform(400, 1500)
    elif role == "slow":
        launch = -rng.uniform(200, 1000)
    elif role == "pre":
        launch = max(-rng.uniform(0.7, 1.3) * (t_peak + plateau), 60 - disc_age)
    elif role == "new":
        launch = days - rng.uniform(14, 60)
    else:
        launch = rng.uniform(0, max(days - 75, 1))
    launch = int(np.floor(launch))
    disc = launch + int(disc_age) if role in ("pre", "new", "in") else None
    return {
        "launch_off": launch,
        "disc_off": disc if disc is not None and disc < days else None,
        "t_peak": t_peak,
        "plateau": plateau,
        "stretch": stretch,
        "r": r,
    }


def plan_products(rng: np.random.Generator, n: int, days: int) -> list[dict]:
    """Draw every product's identity, life curve and selling/stocking parameters.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of every draw (the order of draws is part of the seeded output).
    n : int
        Number of products.
    days : int
        Length of the sales window in days.

    Returns
    -------
    list of dict
        One dict per product: ``商品编码``, ``商品名称``, ``类目``, ``kind``, life-curve
        parameters (``launch_off``, ``disc_off``, ``t_peak``, ``plateau``, ``stretch``,
        ``r``) and selling/stocking parameters (``base_price``, ``level``, ``review``,
        ``lead``, ``safety`` and more).
    """
    products, used = [], {}
    for role in _roles(n):
        prod = _pick_template(rng, role, used)
        prod.update(_life_params(rng, role, prod, days))
        slow = role == "slow"
        peak, amp = _SEASONS.get(prod["season"], (0, 0.0))
        prod.update(
            kind={"slow": "intermittent", "staple": "staple"}.get(role, "lifecycle"),
            base_price=max(round(prod["list_price"] * rng.uniform(0.9, 1.15)) - 0.1, 9.9),
            level=rng.uniform(0.12, 0.35)
            if slow
            else float(np.clip(rng.lognormal(np.log(25 if role == "staple" else 15), 0.8), 3, 150)),
            season_peak=peak,
            season_amp=amp * rng.uniform(0.8, 1.2),
            weekly_w=rng.uniform(0.6, 1.3),
            fest_s=rng.uniform(0.6, 1.2),
            elasticity=rng.uniform(0.8, 2.0),
            dispersion=rng.uniform(0.8, 2.0) if slow else rng.uniform(4, 15),
            review=int(rng.choice([7, 14])),
            lead=int(rng.integers(2, 12)),
            safety=rng.uniform(1.0, 1.8),
            guess=rng.uniform(0.6, 1.4),
        )
        products.append(prod)
    return products
