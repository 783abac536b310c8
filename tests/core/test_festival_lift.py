"""The shop's festival lift and ETS fitted without it (core.forecast.festival_lift)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.forecast.festival_lift import FestivalLift, fit_lift
from core.forecast.models.baselines import ETSForecaster

D11_DAYS = {"presale": 1.6, "day": 3.0}


def _d11(days: pd.DatetimeIndex) -> np.ndarray:
    """Double 11 as a shop sells it: the presale (Oct 20 - Nov 10) at x1.6, the day x3."""
    lift = np.ones(len(days))
    md = days.month * 100 + days.day
    lift[(md >= 1020) & (md <= 1110)] = D11_DAYS["presale"]
    lift[md == 1111] = D11_DAYS["day"]
    return lift


def daily_shop(
    start: str, end: str, lift=None, n: int = 30, weekday=None, seed: int = 0
) -> pd.DataFrame:
    """``n`` products, flat levels of 4-40 a day, Poisson noise, times ``lift(days)`` and
    an optional weekday profile (7 multipliers, Monday first)."""
    rng = np.random.default_rng(seed)
    days = pd.date_range(start, end, freq="D")
    mult = lift(days) if lift is not None else np.ones(len(days))
    if weekday is not None:
        mult = mult * np.asarray(weekday)[days.dayofweek]
    rows = []
    for i in range(n):
        level = rng.uniform(4, 40)
        rows.append(pd.DataFrame({"unique_id": f"p{i:02d}", "ds": days,
                                  "y": rng.poisson(level * mult).astype(float)}))  # fmt: skip
    return pd.concat(rows, ignore_index=True)


def weekly(frame: pd.DataFrame) -> pd.DataFrame:
    """Daily rows summed to full Monday-Sunday weeks, each dated by its Monday (``W-MON``:
    SkuCast reads a weekly date as the first day of its week)."""
    week = frame["ds"].dt.to_period("W-SUN").dt.start_time
    out = (
        frame.assign(ds=week).groupby(["unique_id", "ds"], as_index=False)["y"].agg(["sum", "size"])
    )
    return out[out["size"] == 7].rename(columns={"sum": "y"})[["unique_id", "ds", "y"]]


def test_double_11_lift_is_read_from_the_shops_weeks():
    frame = weekly(daily_shop("2023-01-02", "2025-11-02", _d11))
    lift = fit_lift(frame, "W-MON", "CN")
    weeks = pd.to_datetime(["2025-11-10", "2025-09-08", "2025-10-27"])
    got = lift.at(weeks)
    # the week of Nov 10-16 holds one presale day and the day: (1.6 + 3 + 5) / 7 = 1.37
    assert got[0] == pytest.approx(9.6 / 7, rel=0.12)
    assert got[1] == pytest.approx(1.0, abs=0.03)  # an ordinary September week
    assert got[2] == pytest.approx(1.6, rel=0.12)  # a week of the presale
    table = lift.table()
    assert {"fest_d11_presale", "fest_d11"} <= set(table["feature"])


def test_ets_does_not_carry_the_presale_into_the_weeks_after_it():
    """History ends in two presale weeks; the forecast's December is the base level."""
    full = weekly(daily_shop("2023-01-02", "2025-12-28", _d11, seed=1))
    history = full[full["ds"] <= "2025-10-27"]
    after = full[(full["ds"] >= "2025-11-17")]
    base = after.groupby("unique_id")["y"].sum()
    adjusted = ETSForecaster().fit(history, "W-MON").predict(8)
    plain = ETSForecaster(festivals=False).fit(history, "W-MON").predict(8)
    late = lambda fc: fc[fc["ds"] >= "2025-11-17"].groupby("unique_id")["forecast"].sum()  # noqa: E731
    ratio_adjusted = late(adjusted).sum() / base.sum()
    ratio_plain = late(plain).sum() / base.sum()
    assert ratio_adjusted == pytest.approx(1.0, abs=0.03)
    # without the lift the presale level is carried on (on a flat shop ETS moves slowly:
    # +7 %; the sample shop's weeks, BENCHMARKS: +43 % against -5 %)
    assert ratio_plain > 1.05
    week_d11 = adjusted[adjusted["ds"] == "2025-11-10"]["forecast"].sum()
    assert week_d11 / late(adjusted).sum() * 6 == pytest.approx(9.6 / 7, rel=0.2)
    # the bands move with the point
    row = adjusted.iloc[0]
    assert row["lo_80"] <= row["forecast"] <= row["hi_80"]


def test_a_weekday_is_not_credited_to_a_festival_on_it():
    """Fridays sell twice as much; Black Friday itself nothing more: no lift for it."""
    profile = [1, 1, 1, 1, 2, 0.8, 0.8]
    frame = daily_shop("2022-01-03", "2024-12-31", weekday=profile, seed=2)
    lift = fit_lift(frame, "D", "US")
    friday = pd.Timestamp("2024-11-29")  # Black Friday
    assert lift.at([friday])[0] == pytest.approx(1.0, abs=0.05)


def test_spring_festival_shutdown_is_a_dip_not_a_level():
    """Ten days around the Spring Festival sell a fifth; the lift says so."""
    from core.festivals import spring_festival_dates

    sf = spring_festival_dates([2023, 2024, 2025])

    def shut(days):
        out = np.ones(len(days))
        for day in sf.values():
            out[np.abs((days - day).days) <= 5] = 0.2
        return out

    frame = daily_shop("2022-06-01", "2025-06-30", shut, seed=3)
    lift = fit_lift(frame, "D", "CN")
    got = lift.at([sf[2025] + pd.Timedelta(days=2), sf[2025] + pd.Timedelta(days=40)])
    assert got[0] < 0.5
    assert got[1] == pytest.approx(1.0, abs=0.05)


def test_no_lift_without_festivals_monthly_or_a_short_history():
    flat = daily_shop("2024-03-01", "2024-03-31", seed=4)  # no CN festival in March
    assert not fit_lift(flat, "D", "CN").active
    months = daily_shop("2022-01-01", "2024-12-31", _d11, seed=5)
    months = months.assign(ds=months["ds"].dt.to_period("M").dt.start_time)
    months = months.groupby(["unique_id", "ds"], as_index=False)["y"].sum()
    lift = fit_lift(months, "MS", "CN")
    assert isinstance(lift, FestivalLift) and not lift.active
    assert np.array_equal(lift.at(pd.to_datetime(["2024-11-01"])), [1.0])
    assert not fit_lift(flat.iloc[:0], "D", "CN").active


def test_a_users_event_calendar_is_lifted_too(tmp_path):
    """A brand day of the user's own calendar (x2.5), every 15 June."""

    def brand(days):
        return np.where((days.month == 6) & (days.day == 15), 2.5, 1.0)

    frame = daily_shop("2022-01-03", "2024-12-31", brand, seed=6)
    path = tmp_path / "events.csv"
    path.write_text("date,event\n2022-06-15,brand day\n2023-06-15,brand day\n"
                    "2024-06-15,brand day\n2025-06-15,brand day\n", encoding="utf-8")  # fmt: skip
    model = ETSForecaster(region="CN", events_path=str(path)).fit(frame, "D")
    lift = model.festival_lift_
    assert lift is not None and "evt_brand_day" in lift.columns
    assert lift.at([pd.Timestamp("2025-06-15")])[0] == pytest.approx(2.5, rel=0.15)


def test_saved_ets_forecasts_as_fitted_with_its_lift_and_events(tmp_path):
    """The lift is kept as fitted (not read again from the saved history, which is
    already without it), the user's events with it: the file may be gone by then."""
    from core.forecast import load_forecaster, save_forecaster

    events = tmp_path / "events.csv"
    events.write_text("date,event,end_date\n2024-06-10,brand week,2024-06-16\n"
                      "2025-06-09,brand week,2025-06-15\n", encoding="utf-8")  # fmt: skip

    def lift(days):
        out = _d11(days)
        out[(days >= "2024-06-10") & (days <= "2024-06-16")] *= 2.0
        return out

    frame = weekly(daily_shop("2022-01-03", "2025-05-25", lift, seed=7))
    model = ETSForecaster(region="CN", events_path=str(events)).fit(frame, "W-MON")
    assert "evt_brand_week" in model.festival_lift_.columns
    before = model.predict(8, levels=(80,))
    save_forecaster(model, tmp_path / "ets")
    events.unlink()
    after = load_forecaster(tmp_path / "ets").predict(8, levels=(80,))
    pd.testing.assert_frame_equal(before, after, check_exact=False, rtol=1e-6)
    june = before[before["ds"] == "2025-06-09"]["forecast"].sum()
    may = before[before["ds"] == "2025-06-02"]["forecast"].sum()
    assert june / may == pytest.approx(2.0, rel=0.25)


def test_returns_do_not_void_the_lift():
    """A shop with some negative weeks (returns) still reads its Double 11."""
    frame = weekly(daily_shop("2023-01-02", "2025-11-02", _d11, seed=8))
    frame.loc[frame.index[::97], "y"] = -3.0
    lift = fit_lift(frame, "W-MON", "CN")
    assert lift.active and np.isfinite(lift.coef).all()
    assert lift.at(pd.to_datetime(["2025-10-27"]))[0] == pytest.approx(1.6, rel=0.15)
