"""Excel serial dates (cs_workbook.excel.dates): both systems, serial 60, time fractions, and the
vectorised forms agreeing with the scalar ones — checked against openpyxl's independent
implementation of the same conversion (openpyxl.utils.datetime, written from the file format)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, to_excel

from cs_workbook.excel.dates import (date_to_serial, dates_to_serials, max_serial, serial_to_date,
                                     serial_to_datetime, serials_to_dates)

EPOCHS = {1900: CALENDAR_WINDOWS_1900, 1904: CALENDAR_MAC_1904}


@pytest.mark.parametrize("serial, day", [
    (1, dt.date(1900, 1, 1)),
    (59, dt.date(1900, 2, 28)),
    (61, dt.date(1900, 3, 1)),
    (25569, dt.date(1970, 1, 1)),
    (46349, dt.date(2026, 11, 23)),
    (2958465, dt.date(9999, 12, 31)),
])
def test_1900_system_known_serials(serial, day):
    assert serial_to_date(serial) == day
    assert date_to_serial(day) == serial


@pytest.mark.parametrize("serial, day", [
    (0, dt.date(1904, 1, 1)),
    (1, dt.date(1904, 1, 2)),
    (44887, dt.date(2026, 11, 23)),
    (2957003, dt.date(9999, 12, 31)),
])
def test_1904_system_known_serials(serial, day):
    assert serial_to_date(serial, system=1904) == day
    assert date_to_serial(day, system=1904) == serial


def test_the_two_systems_differ_by_1462_days_after_march_1900():
    day = dt.date(2026, 11, 23)
    assert date_to_serial(day) - date_to_serial(day, system=1904) == 1462


@pytest.mark.parametrize("serial", [60, 60.5, 0, 0.25, -1, 2958466, math.nan, math.inf])
def test_serials_with_no_date_are_rejected(serial):
    with pytest.raises(ValueError):
        serial_to_date(serial)


def test_serial_60_is_named_in_the_message():
    with pytest.raises(ValueError, match="1900-02-29"):
        serial_to_date(60)


def test_negative_serials_are_no_dates_in_1904_either():
    with pytest.raises(ValueError):
        serial_to_date(-1, system=1904)


def test_unknown_system():
    with pytest.raises(ValueError, match="1900 or 1904"):
        serial_to_date(1, system=2000)


def test_time_fractions():
    assert serial_to_date(46349.999) == dt.date(2026, 11, 23)
    assert serial_to_datetime(46349.5) == dt.datetime(2026, 11, 23, 12, 0)
    assert serial_to_datetime(46349.75, system=1900) == dt.datetime(2026, 11, 23, 18, 0)
    assert date_to_serial(dt.datetime(2026, 11, 23, 6, 0)) == pytest.approx(46349.25)


def test_max_serial():
    assert max_serial() == 2958465 and max_serial(1904) == 2957003


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
       st.sampled_from([1900, 1904]))
def test_round_trip_and_agreement_with_openpyxl(day, system):
    assume(system == 1900 or day > dt.date(1904, 1, 1))
    serial = date_to_serial(day, system)
    assert serial_to_date(serial, system) == day
    # openpyxl's conversion, written independently from the file format
    assert serial == to_excel(day, EPOCHS[system])
    assert from_excel(serial, EPOCHS[system]).date() == day


@given(st.lists(st.one_of(st.floats(min_value=-10, max_value=3e6), st.just(math.nan),
                          st.integers(min_value=-5, max_value=3_000_000)), max_size=30),
       st.sampled_from([1900, 1904]))
def test_vectorised_equals_scalar(serials, system):
    days, valid = serials_to_dates(serials, system)
    for s, d, ok in zip(serials, days, valid):
        try:
            expected = serial_to_date(s, system)
        except ValueError:
            assert not ok and np.isnat(d)
        else:
            assert ok and d == np.datetime64(expected, "D")


def test_vectorised_leap_day_policy():
    days, valid = serials_to_dates([59, 60, 61])
    assert valid.tolist() == [True, False, True]
    days, valid = serials_to_dates([59, 60, 61], leap_day="feb28")
    assert valid.all() and str(days[1]) == "1900-02-28"
    with pytest.raises(ValueError):
        serials_to_dates([1], leap_day="march")


@given(st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(9999, 12, 31, 23)),
       st.sampled_from([1900, 1904]))
def test_dates_to_serials_equals_scalar(moment, system):
    if system == 1904 and moment < dt.datetime(1904, 1, 1):
        return
    moment = moment.replace(microsecond=0)
    got = dates_to_serials(np.array([moment], dtype="datetime64[s]"), system)[0]
    assert got == pytest.approx(date_to_serial(moment, system), abs=1e-9)


def test_dates_to_serials_nat_is_nan():
    assert math.isnan(dates_to_serials(np.array(["NaT"], dtype="datetime64[D]"))[0])
