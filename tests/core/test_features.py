"""Feature engineering: calendar and festival values on known dates, no look-ahead."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.data import load_event_calendar
from core.errors import InputError
from core.forecast import FEATURE_GROUPS, FeatureConfig, build_features, future_frame
from core.periods import PeriodGrid

DAYS = pd.date_range("2023-01-01", "2024-12-31", freq="D")


def make_frame(ids=("A", "B"), days=DAYS, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = len(days)
    parts = []
    for k, uid in enumerate(ids):
        y = rng.poisson(5, n).astype(float)
        y[: 10 * k] = 0.0  # later products launch later
        price = np.where(rng.random(n) < 0.1, 8.0, 10.0) + k
        promo = (rng.random(n) < 0.05).astype(float)
        parts.append(
            pd.DataFrame({"unique_id": uid, "ds": days, "y": y, "price": price, "promo": promo})
        )
    return pd.concat(parts, ignore_index=True)


SERIES = pd.DataFrame({"unique_id": ["A", "B"], "category": ["服装", "鞋"], "brand": ["X", None]})


def at(result, uid: str, day: str) -> pd.Series:
    frame = result.frame
    return frame[(frame["unique_id"] == uid) & (frame["ds"] == pd.Timestamp(day))].iloc[0]


@pytest.fixture(scope="module")
def built():
    return build_features(make_frame(), SERIES, "D")


def test_groups_have_bilingual_metadata():
    assert list(FEATURE_GROUPS) == ["calendar", "holidays", "promo_price", "lags", "static", "age"]
    for key, group in FEATURE_GROUPS.items():
        assert group.key == key
        assert all([group.name_en, group.name_zh, group.help_en, group.help_zh])


def test_calendar_values_on_known_dates(built):
    row = at(built, "A", "2024-02-29")  # a Thursday, leap day, month end
    assert row["cal_dow"] == 3 and row["cal_month"] == 2 and row["cal_dom"] == 29
    assert row["cal_month_end"] == 1 and row["cal_weekend"] == 0
    sunday = at(built, "A", "2023-01-01")
    assert sunday["cal_dow"] == 6 and sunday["cal_weekend"] == 1 and sunday["cal_woy"] == 52
    assert at(built, "A", "2024-02-28")["cal_month_end"] == 0
    monday = at(built, "A", "2024-01-01")
    assert monday["cal_dow_sin"] == pytest.approx(0.0) and monday["cal_dow_cos"] == pytest.approx(1)
    assert monday["cal_month_sin"] == pytest.approx(0.0)


def test_spring_festival_2024(built):
    assert at(built, "A", "2024-02-10")["hol_spring"] == 1
    assert at(built, "A", "2024-02-10")["hol_off"] == 1
    assert at(built, "A", "2024-02-20")["hol_spring"] == 0
    expect = {"2024-02-05": (5, 30), "2024-02-09": (1, 30), "2024-02-10": (0, 0)}
    expect.update({"2024-02-12": (30, 2), "2024-03-01": (30, 20), "2024-06-01": (30, 30)})
    expect["2024-01-01"] = (30, 30)  # 40 days before: clipped
    for day, (to, since) in expect.items():
        row = at(built, "A", day)
        assert (row["hol_sf_to"], row["hol_sf_from"]) == (to, since), day
    assert at(built, "A", "2023-01-22")["hol_sf_to"] == 0  # Spring Festival 2023


@pytest.mark.parametrize("year", [2023, 2024])
def test_618_and_double_11(built, year):
    def flags(day: str) -> pd.Series:
        return at(built, "A", f"{year}-{day}")

    assert flags("06-01")["fest_618"] == 1 and flags("06-18")["fest_618"] == 1
    assert flags("05-31")["fest_618"] == 0 and flags("06-19")["fest_618"] == 0
    assert flags("06-18")["fest_618_peak"] == 1 and flags("06-17")["fest_618_peak"] == 0
    assert flags("11-11")["fest_d11"] == 1 and flags("11-10")["fest_d11"] == 0
    assert flags("10-20")["fest_d11_presale"] == 1 and flags("10-19")["fest_d11_presale"] == 0
    assert flags("11-10")["fest_d11_presale"] == 1 and flags("11-11")["fest_d11_presale"] == 0
    assert flags("12-12")["fest_d12"] == 1 and flags("12-13")["fest_d12"] == 0


def test_us_region_black_friday_and_prime_day():
    result = build_features(make_frame(ids=("A",)), None, "D", FeatureConfig(region="US"))
    days = result.frame.loc[result.frame["fest_black_friday"] == 1, "ds"].dt.strftime("%F")
    assert list(days) == ["2023-11-24", "2024-11-29"]
    prime = result.frame.loc[result.frame["fest_prime_day"] == 1, "ds"].dt.strftime("%F")
    assert list(prime) == ["2023-07-11", "2023-07-12", "2024-07-09", "2024-07-10"]
    assert at(result, "A", "2024-07-04")["hol_off"] == 1  # Independence Day
    assert "fest_618" not in result.frame and "hol_sf_to" not in result.frame


def test_uk_region_bank_holidays_boxing_day_and_the_christmas_run_up():
    result = build_features(make_frame(ids=("A",)), None, "D", FeatureConfig(region="GB"))
    assert at(result, "A", "2024-08-26")["hol_off"] == 1  # England's summer bank holiday
    assert at(result, "A", "2024-04-01")["hol_off"] == 1  # Easter Monday
    assert at(result, "A", "2024-07-04")["hol_off"] == 0  # not a US holiday here
    boxing = result.frame.loc[result.frame["fest_boxing_day"] == 1, "ds"].dt.strftime("%F")
    assert list(boxing) == ["2023-12-26", "2024-12-26"]
    run_up = result.frame.set_index("ds")["fest_xmas_to"]
    assert run_up["2024-11-01"] == 42 and run_up["2024-11-13"] == 42  # clipped far out
    assert run_up["2024-11-14"] == 41 and run_up["2024-12-24"] == 1
    assert run_up["2024-12-25"] == 0 and run_up["2024-12-26"] == 42  # a year to the next
    assert "fest_d11" not in result.frame and "fest_618" not in result.frame


def test_christmas_run_up_only_where_shoppers_buy_for_christmas():
    for region in ("US", "intl"):
        frame = build_features(make_frame(ids=("A",)), None, "D", FeatureConfig(region=region))
        assert frame.frame.set_index("ds").loc["2024-12-20", "fest_xmas_to"] == 5
        assert "fest_boxing_day" not in frame.frame
    assert "fest_xmas_to" not in build_features(make_frame(ids=("A",)), None, "D").frame


def test_weekly_christmas_run_up_is_the_weeks_nearest_day():
    days = pd.date_range("2024-11-04", "2025-01-06", freq="W-MON")
    frame = pd.DataFrame({"unique_id": "A", "ds": days, "y": 1.0})
    out = build_features(frame, None, "W-MON", FeatureConfig(region="GB")).frame.set_index("ds")
    # each week's minimum: the week of Monday 2024-12-16 ends on Sunday the 22nd, 3 days before
    assert out.loc["2024-12-16", "fest_xmas_to"] == 3
    assert out.loc["2024-12-23", "fest_xmas_to"] == 0  # the week holding Christmas
    assert out.loc["2024-12-23", "hol_off"] == 2 and out.loc["2024-12-23", "fest_boxing_day"] == 1
    assert out.loc["2024-12-30", "fest_xmas_to"] == 42


def test_user_event_calendar(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("date,event,end_date\n2024-03-08,女王节,\n2024/5/20,Brand Day,2024-05-22\n")
    events = load_event_calendar(path)
    assert list(events["event"]) == ["女王节", "Brand Day"]
    config = FeatureConfig(groups=("holidays",), events_path=str(path))
    frame = build_features(make_frame(ids=("A",)), None, "D", config).frame.set_index("ds")
    hits = frame.index[frame["evt_any"] == 1].strftime("%F")
    assert list(hits) == ["2024-03-08", "2024-05-20", "2024-05-21", "2024-05-22"]
    assert (
        frame.loc["2024-03-08", "evt_女王节"] == 1 and frame.loc["2024-03-08", "evt_Brand_Day"] == 0
    )


@pytest.mark.parametrize(
    "text",
    [
        "when,what\n2024-01-01,x\n",
        "date,event\nnot a date,x\n",
        "date,event,end_date\n2024-05-02,x,2024-05-01\n",
    ],
)
def test_bad_event_calendar_raises(tmp_path, text):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        load_event_calendar(path)
    assert info.value.zh and info.value.en


def test_no_leakage_from_future_values():
    frame = make_frame()
    cut = pd.Timestamp("2024-03-01")
    before = build_features(frame, SERIES, "D")
    later = frame["ds"] >= cut
    changed = frame.copy()
    changed.loc[later, "y"] = 1e9
    changed.loc[later, "price"] = 1e6
    changed.loc[later, "promo"] = 1.0
    after = build_features(changed, SERIES, "D")
    assert after.columns == before.columns
    old, new = before.frame, after.frame
    past = old["ds"] < cut
    pd.testing.assert_frame_equal(old.loc[past, before.columns], new.loc[past, before.columns])
    at_cut = old["ds"] == cut
    cols = [c for c in before.columns if c.startswith(("lag_", "roll_", "age_"))]
    assert len(cols) == 10
    pd.testing.assert_frame_equal(old.loc[at_cut, cols], new.loc[at_cut, cols])
    assert (new.loc[at_cut, "pp_price"] == 1e6).all()


def test_lag_and_rolling_values():
    days = pd.date_range("2024-01-01", periods=40, freq="D")
    frame = pd.DataFrame({"unique_id": "A", "ds": days, "y": np.arange(40.0)})
    config = FeatureConfig(groups=("lags",), lags=(1, 7), windows=(3,))
    out = build_features(frame, None, "D", config).frame
    assert (
        np.isnan(out["lag_7"].iloc[6]) and out["lag_7"].iloc[7] == 0 and out["lag_1"].iloc[39] == 38
    )
    assert out["roll_mean_3"].iloc[10] == 8.0  # mean of 7, 8, 9
    assert out["roll_std_3"].iloc[10] == pytest.approx(1.0)
    assert np.isnan(out["roll_mean_3"].iloc[0])


def test_relative_price_uses_past_prices_only():
    days = pd.date_range("2024-01-01", periods=40, freq="D")
    price = np.full(40, 10.0)
    price[35:] = 20.0
    frame = pd.DataFrame({"unique_id": "A", "ds": days, "y": 1.0, "price": price, "promo": 0})
    out = build_features(frame, None, "D", FeatureConfig(groups=("promo_price",))).frame
    assert out["pp_rel_price"].iloc[34] == 1.0
    assert out["pp_rel_price"].iloc[35] == 2.0  # usual price still 10 on the day of the jump
    assert out["pp_price"].iloc[35] == 20.0 and out["pp_promo"].max() == 0


def test_age_counts_from_first_sale():
    days = pd.date_range("2024-01-01", periods=10, freq="D")
    y = [0, 0, 0, 3, 0, 1, 2, 0, 0, 4]
    frame = pd.DataFrame({"unique_id": "A", "ds": days, "y": y})
    out = build_features(frame, None, "D", FeatureConfig(groups=("age",))).frame
    assert list(out["age_periods"]) == [0, 0, 0, 0, 1, 2, 3, 4, 5, 6]
    assert list(out["age_started"]) == [0, 0, 0, 0, 1, 1, 1, 1, 1, 1]
    assert out["age_log"].iloc[9] == pytest.approx(np.log1p(6))


def test_static_codes(built):
    assert built.static_columns == ["st_category", "st_brand"]
    assert built.cardinalities == {"st_category": 3, "st_brand": 2}
    assert at(built, "A", "2024-01-01")["st_category"] == 1  # levels sorted: 服装, 鞋
    assert at(built, "B", "2024-01-01")["st_category"] == 2
    assert at(built, "B", "2024-01-01")["st_brand"] == 0  # unknown brand


def test_switched_off_groups_produce_no_columns():
    out = build_features(make_frame(), SERIES, "D", FeatureConfig(groups=("calendar",)))
    assert out.columns and all(c.startswith("cal_") for c in out.columns)
    none = build_features(make_frame(), SERIES, "D", FeatureConfig(groups=()))
    assert none.columns == [] and list(none.frame.columns) == list(make_frame().columns)
    with pytest.raises(InputError):
        FeatureConfig(groups=("weather",))


def test_config_round_trip():
    config = FeatureConfig(groups=("lags", "calendar"), region="intl", lags=(1, 2))
    data = config.to_dict()
    assert data["schema_version"] == 1
    assert FeatureConfig.from_dict(data) == config
    assert config.groups == ("calendar", "lags")


def test_weekly_features_count_festival_days():
    days = pd.date_range("2024-01-01", "2024-12-30", freq="W-MON")
    frame = pd.DataFrame({"unique_id": "A", "ds": days, "y": 1.0})
    out = build_features(frame, None, "W-MON").frame.set_index("ds")
    assert out.loc["2024-02-05", "hol_sf_to"] == 0  # the week holding 2024-02-10
    assert out.loc["2024-06-17", "fest_618"] == 2  # June 17 and 18
    assert "cal_dow" not in out and out.loc["2024-06-17", "cal_month"] == 6


def test_future_frame_continues_history():
    frame = make_frame(days=pd.date_range("2024-01-01", "2024-10-31", freq="D"))
    frame = frame[~((frame["unique_id"] == "B") & (frame["ds"] > "2024-10-25"))]
    plan = pd.DataFrame({"unique_id": ["A"], "ds": [pd.Timestamp("2024-11-11")], "promo": [1]})
    fut = future_frame(frame, SERIES, "D", 30, future=plan)
    a, b = fut[fut["unique_id"] == "A"], fut[fut["unique_id"] == "B"]
    assert a["ds"].iloc[0] == pd.Timestamp("2024-11-01") and len(a) == 30
    assert b["ds"].iloc[0] == pd.Timestamp("2024-10-26") and b["ds"].iloc[-1] == pd.Timestamp(
        "2024-11-24"
    )
    built = build_features(frame, SERIES, "D")
    assert set(fut.columns) - {"unique_id", "ds", "promo", "price"} == set(built.columns) - set(
        built.lag_columns
    )
    nov11 = a.set_index("ds").loc["2024-11-11"]
    assert nov11["fest_d11"] == 1 and nov11["pp_promo"] == 1 and nov11["cal_month"] == 11
    assert a["pp_promo"].sum() == 1
    last_price = frame.loc[frame["unique_id"] == "A", "price"].iloc[-1]
    assert (a["pp_price"] == last_price).all()
    hist_age = at(built, "A", "2024-10-31")["age_periods"]
    assert list(a["age_periods"].iloc[:3]) == [hist_age + 1, hist_age + 2, hist_age + 3]
    assert (a["st_category"] == 1).all()


KNOWN = FeatureConfig(groups=("calendar", "holidays", "promo_price", "static", "age"))


def shop_with_gaps(freq: str) -> pd.DataFrame:
    """Five products that start and end on different dates, with gaps, prices missing
    or zero for long stretches (also across the tail) and a product that never sold."""
    rng = np.random.default_rng(3)
    dates = pd.date_range("2023-01-02", periods=400 if freq == "D" else 120, freq=freq)
    n = len(dates)
    parts = []
    for k, uid in enumerate(["A", "B", "C", "D", "E"]):
        keep = np.arange(n) >= 7 * k  # later starts
        keep &= np.arange(n) < n - 3 * (k % 3)  # different last dates
        y = rng.poisson(3, n).astype(float)
        y[: n // 3] = 0 if uid == "C" else y[: n // 3]  # C sells first a third in
        y[:] = 0 if uid == "E" else y  # E never sells
        price = np.where(rng.random(n) < 0.2, 9.9, 12.5) + k
        price[rng.random(n) < 0.1] = np.nan
        if uid == "B":
            price[n // 4 :] = np.nan  # only an old price: carried into the future
            keep &= rng.random(n) > 0.25  # and many gaps
        if uid == "D":
            price[-20:] = 0.0  # not a price: the one before holds
            keep[n - 12 : n - 5] = False  # a gap inside the tail
        promo = (rng.random(n) < 0.1).astype(float)
        part = pd.DataFrame({"unique_id": uid, "ds": dates, "y": y, "price": price,
                             "promo": promo})  # fmt: skip
        parts.append(part[keep])
    frame = pd.concat(parts, ignore_index=True)
    return frame.sample(frac=1.0, random_state=1).reset_index(drop=True)  # any row order


def rebuilt_future(frame, series, freq, horizon, plan) -> pd.DataFrame:
    """The future rows as a build of the whole history with the horizon appended."""
    grid = PeriodGrid.from_freq(freq)
    last = frame.groupby("unique_id")["ds"].max()
    steps = grid.periods(last.to_numpy())[:, None] + np.arange(1, horizon + 1)[None, :]
    rows = pd.DataFrame({"unique_id": np.repeat(last.index.to_numpy(), horizon),
                         "ds": grid.dates(steps.ravel())})  # fmt: skip
    rows = rows.merge(plan, on=["unique_id", "ds"], how="left")
    rows = rows.assign(promo=rows["promo"].fillna(0.0), y=np.nan, _future=True)
    both = pd.concat([frame.assign(_future=False), rows], ignore_index=True)
    built = build_features(both, series, freq, KNOWN)
    keep = ["unique_id", "ds", "promo", "price", *built.columns]
    return built.frame.loc[built.frame["_future"], keep].reset_index(drop=True)


@pytest.mark.parametrize("freq", ["D", "W-MON"])
def test_future_rows_from_tails_equal_a_full_rebuild(freq):
    frame = shop_with_gaps(freq)
    series = pd.DataFrame({"unique_id": list("ABCDE"), "category": list("xyxzy")})
    step = pd.tseries.frequencies.to_offset(freq)
    last_a = frame.loc[frame["unique_id"] == "A", "ds"].max()
    plan = pd.DataFrame({"unique_id": ["A", "A", "C"], "ds": [last_a + step, last_a + 3 * step,
                         frame.loc[frame["unique_id"] == "C", "ds"].max() + 2 * step],
                         "promo": [1.0, 0.0, 1.0], "price": [7.5, np.nan, 20.0]})  # fmt: skip
    fut = future_frame(frame, series, freq, 30, KNOWN, future=plan)
    expected = rebuilt_future(frame, series, freq, 30, plan)
    pd.testing.assert_frame_equal(fut, expected, check_exact=True)
    # the cases the tails must carry are really there
    b = fut[fut["unique_id"] == "B"]
    old_price = frame.loc[frame["unique_id"] == "B"].dropna(subset=["price"])
    old_price = old_price.sort_values("ds")["price"].iloc[-1]
    assert (b["pp_price"] == np.float32(old_price)).all()
    d = fut[fut["unique_id"] == "D"]
    assert d["pp_price"].notna().all() and (d["pp_price"] > 0).all()
    a = fut[fut["unique_id"] == "A"].set_index("ds")
    assert a.loc[last_a + step, "pp_price"] == np.float32(7.5)
    assert a.loc[last_a + 2 * step, "pp_price"] == np.float32(7.5)  # the plan's price holds
    assert a.loc[last_a + step, "pp_rel_price"] != 1.0
    c = fut[fut["unique_id"] == "C"]
    c_first = frame.loc[(frame["unique_id"] == "C") & (frame["y"] > 0), "ds"].min()
    c_last = frame.loc[frame["unique_id"] == "C", "ds"].max()
    periods = PeriodGrid.from_freq(freq).periods(pd.DatetimeIndex([c_first, c_last]))
    assert c["age_periods"].iloc[0] == periods[1] - periods[0] + 1
    e = fut[fut["unique_id"] == "E"]
    assert (e["age_periods"] == 0).all() and (e["age_started"] == 0).all()


def test_feature_columns_are_float32(built):
    frame = built.frame
    floats = [c for c in built.columns if c not in built.static_columns]
    assert len(floats) > 30 and all(frame[c].dtype == np.float32 for c in floats)
    assert all(frame[c].dtype == np.int64 for c in built.static_columns)
    assert frame[floats].to_numpy().dtype == np.float32
    source = make_frame()
    a = source[source["unique_id"] == "A"]
    day = a.loc[a["price"] == 8.0, "ds"].iloc[0]  # price 8.0 is exact in float32
    assert at(built, "A", day.strftime("%F"))["pp_price"] == 8.0
    row = at(built, "A", "2024-01-03")  # a Wednesday: sin(2 pi 2 / 7), rounded to float32
    assert row["cal_dow_sin"] == np.float32(np.sin(2 * np.pi * 2 / 7))
    lags = built.frame.loc[built.frame["unique_id"] == "B", "lag_7"].to_numpy()
    y = source.loc[source["unique_id"] == "B", "y"].to_numpy()
    np.testing.assert_array_equal(lags[7:], y[:-7].astype(np.float32))
    fut = future_frame(source, SERIES, "D", 5)
    assert all(fut[c].dtype == np.float32 for c in floats if c not in built.lag_columns)


def test_duplicate_periods_are_refused():
    frame = make_frame(days=pd.date_range("2024-01-01", periods=60, freq="D"))
    twice = pd.concat([frame, frame.iloc[[10]]], ignore_index=True)
    with pytest.raises(InputError):
        build_features(twice, SERIES, "D")
    with pytest.raises(InputError):
        future_frame(twice, SERIES, "D", 7)
