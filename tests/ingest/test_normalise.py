"""One test per normalisation (lib/ingest/normalise.py), each run on DuckDB with hand-written values."""

import duckdb
import pytest

from dagster_project.lib.ingest import normalise as rules

CON = duckdb.connect()


def apply(build, value, *args):
    return CON.execute(f"select {build('v', *args)} from (select cast(? as varchar) as v)", [value]).fetchone()[0]


@pytest.mark.parametrize("value, expected", [
    ("  x  ", "x"), ("\u00a0x\u00a0", "x"), ("\tx\r\n", "x"), ("a b", "a b"), ("   ", None), ("", None), (None, None),
    ("x\u00a0", "x"), (" x", "x"), ("\nx", "x"),
    # a control character that is not a space starts the trimming way but stays: only spaces are trimmed
    ("\x01x ", "\x01x"), ("\x1fx", "\x1fx"), ("\u00e9t\u00e9", "\u00e9t\u00e9")])
def test_trim_spaces_takes_non_breaking_spaces_and_blanks_empty(value, expected):
    assert apply(rules.trim_spaces, value) == expected


@pytest.mark.parametrize("value, expected", [("SSD_PH", None), ("ssd_ph", None), ("NULL", None), ("Null", None),
                                             ("NULLS", "NULLS"), ("x", "x"), ("nUlL", None), ("SSD_PHX", "SSD_PHX"),
                                             ("ABCD", "ABCD"), ("SSD-PH", "SSD-PH")])
def test_placeholder_texts_mean_not_recorded(value, expected):
    assert apply(rules.placeholder_to_blank, value) == expected


@pytest.mark.parametrize("value, expected", [("123.0", "123"), ("123.00", "123"), ("12.5", "12.5"), ("1230", "1230"),
                                             ("A1.0", "A1.0")])
def test_drop_trailing_zero_from_an_id_a_spreadsheet_made_a_number(value, expected):
    assert apply(rules.drop_trailing_zero, value) == expected


def test_codes_are_upper_cased():
    assert apply(rules.upper_case, "wbri") == "WBRI"


def test_inner_spaces_collapse_including_non_breaking():
    assert apply(rules.collapse_inner_spaces, "Interim \u00a0 care   order") == "Interim care order"


@pytest.mark.parametrize("value, form, iso", [
    ("2012-06-14", "yyyy-mm-dd", "2012-06-14"),
    ("2012-06-14 00:00:00.000", "yyyy-mm-dd hh:mm[:ss] (ISO or SQL Server datetime)", "2012-06-14"),
    ("2012-06-14T13:45:00", "yyyy-mm-dd hh:mm[:ss] (ISO or SQL Server datetime)", "2012-06-14"),
    ("2012-06-14T13:45", "yyyy-mm-dd hh:mm[:ss] (ISO or SQL Server datetime)", "2012-06-14"),
    # beside the common shapes, the rest of the form's pattern: other fractions, one-digit hours, a Z
    ("2012-06-14 13:45:00", "yyyy-mm-dd hh:mm[:ss] (ISO or SQL Server datetime)", "2012-06-14"),
    ("2012-06-14 13:45", "yyyy-mm-dd hh:mm[:ss] (ISO or SQL Server datetime)", "2012-06-14"),
    ("2012-06-14 00:00:00.0000000", "yyyy-mm-dd hh:mm[:ss] (ISO or SQL Server datetime)", "2012-06-14"),
    ("2012-06-14 9:05", "yyyy-mm-dd hh:mm[:ss] (ISO or SQL Server datetime)", "2012-06-14"),
    ("2012-06-14T13:45:00Z", "yyyy-mm-dd hh:mm[:ss] (ISO or SQL Server datetime)", "2012-06-14"),
    ("14/06/2012", "dd/mm/yyyy", "2012-06-14"),
    ("4/6/2012", "dd/mm/yyyy", "2012-06-04"),
    ("14/06/2012 09:30", "dd/mm/yyyy", "2012-06-14"),
    ("14-06-2012", "dd-mm-yyyy", "2012-06-14"),
    ("14.06.2012", "dd.mm.yyyy", "2012-06-14"),
    ("01 Apr 2017", "dd Mon yyyy", "2017-04-01"),
    ("1 September 2017", "dd Mon yyyy", "2017-09-01"),
    ("01-Apr-2017", "dd-Mon-yyyy", "2017-04-01"),
    ("01-APR-2017", "dd-Mon-yyyy", "2017-04-01"),
    ("01-Apr-17", "dd-Mon-yy", "2017-04-01"),
    ("01-Apr-98", "dd-Mon-yy", "1998-04-01"),
    ("20170401", "yyyymmdd", "2017-04-01"),
])
def test_every_unambiguous_date_form_reads_to_iso(value, form, iso):
    assert apply(rules.date_form, value) == form
    assert apply(rules.iso_date, value) == iso


@pytest.mark.parametrize("value", ["31/02/2012", "soon", "01-Foo-2017", "2012-13-01", "12345678", "2012/06/14",
                                   "2012-06-14x13:45", "2012-06-14 13:45:00.", "12/06/20121",
                                   "\uff12012-06-14"])
def test_a_value_that_is_not_a_calendar_date_in_a_known_form_is_not_guessed(value):
    assert apply(rules.iso_date, value) is None


def test_placeholder_date_is_recognised():
    assert apply(rules.is_placeholder_date, "1900-01-01") is True
    assert apply(rules.is_placeholder_date, "1900-01-02") is False


@pytest.mark.parametrize("value, us_only, day_first_only", [
    ("04/23/2012", True, False), ("23/04/2012", False, True), ("04/06/2012", False, False),
    ("2012-04-23", False, False)])
def test_month_first_and_day_first_dates_are_told_apart(value, us_only, day_first_only):
    assert apply(rules.is_us_month_first, value) is us_only
    assert apply(rules.is_day_first_only, value) is day_first_only


@pytest.mark.parametrize("value, whole, expected", [
    ("1,234,567", False, "1234567"), ("1,234.5", False, "1234.5"), ("1,234", True, "1234"), ("1,234", False, "1,234"),
    ("0,8", True, "0,8"), ("12,34", True, "12,34")])
def test_thousands_separators_only_where_the_groups_prove_them(value, whole, expected):
    assert apply(rules.thousands_separators_removed, value, whole) == expected


@pytest.mark.parametrize("value, expected", [("0,8", "0.8"), ("12,75", "12.75"), ("1,234", "1,234"), ("0.8", "0.8")])
def test_decimal_comma_becomes_a_point_never_08(value, expected):
    assert apply(rules.decimal_comma_to_point, value) == expected


@pytest.mark.parametrize("value, expected", [("80%", "0.8"), ("12,5 %", "0.125"), ("100%", "1.0"), ("0.8", "0.8")])
def test_percentage_becomes_a_fraction(value, expected):
    assert apply(rules.percent_to_fraction, value) == expected


@pytest.mark.parametrize("value, kind, value_read, problem", [
    ("0,8", "decimal", "0.8", None),
    ("0,8", "fraction", "0.8", None),
    ("0,8", "number", "0,8", "value has a decimal comma in a column of numbers written with a decimal point"),
    ("80%", "fraction", "0.8", None),
    ("80%", "decimal", "80%", "value is not a number"),
    ("1,250", "decimal", "1,250", ("value has one comma before three digits: it could be a decimal comma or a "
                                  "thousands separator, so it is not guessed")),
    ("1,250", "number", "1250", None),
    ("12.5", "number", "12.5", None),
    ("-3", "number", "-3", None),
    ("about 3", "number", "about 3", "value is not a number"),
])
def test_numbers_by_kind(value, kind, value_read, problem):
    assert apply(rules.number_value, value, kind) == value_read
    assert apply(rules.number_problem, value, kind) == problem
