"""The contract's normalisations, one SQL expression builder each, run by DuckDB in the pass that reads
the file (see reader.py). Each takes the SQL of a text value and returns the SQL of the result; each has
its own unit test (tests/ingest/test_normalise.py), which runs it on DuckDB with hand-written values.

This SQL runs inside the ingestion engine (DuckDB's CSV reader), not in the dbt models, so it may use
DuckDB's regular expressions; nothing here is a business rule, only how a value was written.

Column kinds (seeds/contract/input_contract_columns.csv):
- id: trimmed, a trailing `.0` dropped (spreadsheets turn 123 into 123.0), upper-cased
- code: trimmed, upper-cased
- mapped: trimmed, inner spaces collapsed (case kept: the mapping seed matches it)
- date: every unambiguous written form to ISO (see DATE_FORMS); US month-first columns refused
- number: a number with an optional decimal point; thousands separators only where the groups prove it
- decimal: as number, and a decimal comma (0,8) is a decimal point, never 08
- fraction: as decimal, and 80% is 0.8 (a full-time equivalence, a share)
- text: trimmed
"""

from __future__ import annotations

# What "not recorded" looks like in SSD exports: the SQL Server placeholder date and the SSD's own text.
PLACEHOLDER_TEXTS = ("SSD_PH", "NULL")
PLACEHOLDER_DATES = ("1900-01-01",)

# Characters trimmed from both ends: space, tab, CR, LF and the non-breaking space Excel and web forms
# leave behind (U+00A0).
_TRIMMED = ("' '", "chr(9)", "chr(13)", "chr(10)", "chr(160)")
_TRIM_CHARACTERS = " || ".join(_TRIMMED)
_TIME = r"( \d{1,2}:\d{2}(:\d{2}(\.\d{1,7})?)?)?"
_MONTH_NAMES = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
    "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

# Written date forms: (name shown in the ingest log, full-match pattern). Order matters only for display.
DATE_FORMS = (
    ("yyyy-mm-dd", r"\d{4}-\d{2}-\d{2}"),
    ("yyyy-mm-dd hh:mm[:ss] (ISO or SQL Server datetime)", r"\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(:\d{2}(\.\d{1,7})?)?Z?"),
    ("dd/mm/yyyy", r"\d{1,2}/\d{1,2}/\d{4}" + _TIME),
    ("dd-mm-yyyy", r"\d{1,2}-\d{1,2}-\d{4}" + _TIME),
    ("dd.mm.yyyy", r"\d{1,2}\.\d{1,2}\.\d{4}" + _TIME),
    ("dd Mon yyyy", r"\d{1,2} [A-Za-z]{3,9} \d{4}" + _TIME),
    ("dd-Mon-yyyy", r"\d{1,2}-[A-Za-z]{3,9}-\d{4}" + _TIME),
    ("dd-Mon-yy", r"\d{1,2}-[A-Za-z]{3,9}-\d{2}"),
    ("yyyymmdd", r"(19|20)\d{6}"),
)
_DATE_FORM_NAMES = [name for name, _ in DATE_FORMS]
_NUMERIC_DAY_FIRST = r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})"
_MONTH_NAMED = r"^(\d{1,2})[ -]([A-Za-z]{3,9})[ -](\d{4}|\d{2})\b"
# dd-Mon-yy: a two-digit year up to ten years ahead is this century, otherwise the last (a child born in
# 1998 is a care leaver today; a review planned for 2031 is a plan).
TWO_DIGIT_YEAR_AHEAD = 10


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _matches(expression: str, pattern: str) -> str:
    return f"regexp_full_match({expression}, {_text(pattern)})"


# --- text ---------------------------------------------------------------------------------------------

def trim_spaces(expression: str) -> str:
    """Spaces, tabs, line ends and non-breaking spaces gone from both ends; an empty value is blank."""
    # trim with a list of characters cost 80 ms per 100,000 values, most of the normalising pass; almost no
    # value has any, so a cheap look at both ends decides first. The first character by its code point (any
    # control character or space, or the non-breaking space; trim then removes only _TRIMMED), the last by
    # ends_with per character: 35 ms per 2.1 million values over reading them, where starts_with and
    # ends_with per character took 177 ms and one regular expression 150. An empty value (code point 0)
    # goes the trimming way too, to become blank.
    first = f"ascii({expression})"
    ends = " or ".join(f"ends_with({expression}, {c})" for c in _TRIMMED)
    return (f"case when {first} <= 32 or {first} = 160 or {ends} "
            f"then nullif(trim({expression}, {_TRIM_CHARACTERS}), '') else {expression} end")


def _is_placeholder(expression: str) -> str:
    # upper-casing every value to compare it cost 31 ms per 2.1 million values over reading them; a length
    # first spares it on all but values of a placeholder's length (4 ms; bytes: the placeholders are ASCII)
    lengths = ", ".join(str(n) for n in sorted({len(t.encode()) for t in PLACEHOLDER_TEXTS}))
    texts = ", ".join(_text(t) for t in PLACEHOLDER_TEXTS)
    return f"(strlen({expression}) in ({lengths}) and upper({expression}) in ({texts}))"


def placeholder_to_blank(expression: str) -> str:
    """`SSD_PH` and `NULL` (any case) mean not recorded."""
    return f"case when {_is_placeholder(expression)} then null else {expression} end"


def is_placeholder_text(expression: str) -> str:
    return f"coalesce({_is_placeholder(expression)}, false)"


def drop_trailing_zero(expression: str) -> str:
    """123.0 -> 123 (an id a spreadsheet turned into a number); 12.5 stays."""
    # the regular expression only where there is a point: 9 in 10 ids have none (measured on the synthetic
    # council), and a regex per value was a fifth of a table's normalising time
    return (f"case when contains({expression}, '.') then regexp_replace({expression}, '^(\\d+)\\.0+$', '\\1') "
            f"else {expression} end")


def upper_case(expression: str) -> str:
    return f"upper({expression})"


def collapse_inner_spaces(expression: str) -> str:
    """Runs of spaces (including non-breaking ones) inside a value become one space."""
    # the replacement changes a value only where it has two spaces running or a space other than ' ' (tab,
    # line end, form feed, non-breaking): a look for those first spared the regular expression on almost
    # every value (22 ms instead of 170 per 430,000 values)
    runs = " or ".join(f"contains({expression}, {c})" for c in ("'  '", "chr(9)", "chr(10)", "chr(12)", "chr(13)",
                                                                "chr(160)"))
    return (f"case when {runs} then regexp_replace({expression}, '[\\s\\x{{00A0}}]+', ' ', 'g') "
            f"else {expression} end")


# --- dates --------------------------------------------------------------------------------------------

# The least length, in bytes, a value in each form can have: a value shorter is not compared with the form's
# pattern. The ISO forms come first and are nearly every value: a datetime was tested against the date-only
# pattern first, a regular expression per value spent on a length.
_DATE_FORM_LENGTHS = {"yyyy-mm-dd": (10, 10), "yyyy-mm-dd hh:mm[:ss] (ISO or SQL Server datetime)": (15, None)}

# The shapes nearly every value of a form has, as GLOB patterns (`9` is a digit), tried before the form's
# regular expression: each matches only values the expression matches, so a form is told the same way, at
# half the cost (a SQL Server datetime column: 183 ms per 2.1 million values over reading them, 93 with
# the shapes). A value in no shape is still compared with the expression.
_DATE_FORM_SHAPES = {
    "yyyy-mm-dd": ("9999-99-99",),
    "yyyy-mm-dd hh:mm[:ss] (ISO or SQL Server datetime)": (
        "9999-99-99 99:99:99.999", "9999-99-99 99:99:99", "9999-99-99T99:99:99", "9999-99-99 99:99"),
    "dd/mm/yyyy": ("99/99/9999",),
}
# Forms whose shapes are every value their expression matches: no expression is compared for them.
_DATE_FORMS_WHOLLY_SHAPED = frozenset({"yyyy-mm-dd"})


def _glob(shape: str) -> str:
    return _text(shape.replace("9", "[0-9]"))


def date_form_number(expression: str) -> str:
    """Which of DATE_FORMS a value is written in, numbered from 1 in their order, or null for none. A
    number, not the form's name, so that counting the forms of a column is a small column's aggregate."""
    whens = []
    for number, (name, pattern) in enumerate(DATE_FORMS, start=1):
        least, most = _DATE_FORM_LENGTHS.get(name, (None, None))
        length = ""
        if least is not None and least == most:
            length = f"strlen({expression}) = {least} and "
        elif least is not None:
            length = f"strlen({expression}) >= {least} and "
        shapes = [f"{expression} glob {_glob(shape)}" for shape in _DATE_FORM_SHAPES.get(name, ())]
        if name in _DATE_FORMS_WHOLLY_SHAPED:
            whens.append(f"when {length}({' or '.join(shapes)}) then {number}")
            continue
        if shapes:
            whens.append(f"when {' or '.join(shapes)} then {number}")
        whens.append(f"when {length}{_matches(expression, pattern)} then {number}")
    return f"case {' '.join(whens)} end"


def date_form(expression: str) -> str:
    """The name of the written form a value is in (DATE_FORMS), or null when it is in none of them."""
    names = ", ".join(_text(name) for name, _ in DATE_FORMS)
    return f"[{names}][{date_form_number(expression)}]"


def _form_numbers(*names: str) -> str:
    return "(" + ", ".join(str(_DATE_FORM_NAMES.index(name) + 1) for name in names) + ")"


_NUMERIC_FORMS = _form_numbers("dd/mm/yyyy", "dd-mm-yyyy", "dd.mm.yyyy")


def is_numeric_form(form: str) -> str:
    """Whether a date_form_number is one of the numeric day-first forms (where a US date could hide)."""
    return f"coalesce({form} in {_NUMERIC_FORMS}, false)"


def _month_number(name_expression: str) -> str:
    names = ", ".join(f"{_text(name)}: {number}" for name, number in _MONTH_NAMES.items())
    return f"map {{{names}}}[lower({name_expression})]"


def _two_digit_year(expression: str) -> str:
    return (f"case when cast({expression} as integer) <= (year(current_date) % 100) + {TWO_DIGIT_YEAR_AHEAD} "
            f"then 2000 + cast({expression} as integer) else 1900 + cast({expression} as integer) end")


def _iso_from_parts(year: str, month: str, day: str) -> str:
    """yyyy-mm-dd text from parts, or null when the parts are not a calendar date (30 February)."""
    text = (f"lpad(cast({year} as varchar), 4, '0') || '-' || lpad(cast({month} as varchar), 2, '0') || '-' "
            f"|| lpad(cast({day} as varchar), 2, '0')")
    return f"cast(try_cast({text} as date) as varchar)"


def _iso_prefix(expression: str) -> str:
    """A value starting yyyy-mm-dd (its form says so): those ten characters when they are a calendar date.
    Not rebuilt from parts: the parts, padding and cast back to text were 130 ms per 430,000 values, this 30."""
    return f"case when try_cast(substr({expression}, 1, 10) as date) is not null then substr({expression}, 1, 10) end"


def iso_date(expression: str, form: str | None = None) -> str:
    """The date a value states, as yyyy-mm-dd text, or null when it is not an unambiguous date in a
    DATE_FORMS form. Numeric forms are read day first (the UK's way); see is_us_month_first. `form` is
    the SQL of date_form_number(expression) when a query has already worked it out."""
    form = form or f"({date_form_number(expression)})"
    numeric = [f"regexp_extract({expression}, {_text(_NUMERIC_DAY_FIRST)}, {i})" for i in (1, 2, 3)]
    named = [f"regexp_extract({expression}, {_text(_MONTH_NAMED)}, {i})" for i in (1, 2, 3)]
    named_year = (f"case when length({named[2]}) = 2 then {_two_digit_year(named[2])} "
                  f"else cast({named[2]} as integer) end")
    iso_forms = _form_numbers("yyyy-mm-dd", "yyyy-mm-dd hh:mm[:ss] (ISO or SQL Server datetime)")
    named_forms = _form_numbers("dd Mon yyyy", "dd-Mon-yyyy", "dd-Mon-yy")
    return f"""case
        when {form} in {iso_forms} then {_iso_prefix(expression)}
        when {form} in {_NUMERIC_FORMS} then {_iso_from_parts(numeric[2], numeric[1], numeric[0])}
        when {form} in {named_forms} then {_iso_from_parts(named_year, _month_number(named[1]), named[0])}
        when {form} = {_form_numbers("yyyymmdd")[1:-1]} then {_iso_from_parts(f"substr({expression}, 1, 4)",
                                                        f"substr({expression}, 5, 2)",
                                                        f"substr({expression}, 7, 2)")}
    end"""


def is_placeholder_date(iso_expression: str) -> str:
    dates = ", ".join(_text(d) for d in PLACEHOLDER_DATES)
    return f"coalesce({iso_expression} in ({dates}), false)"



def is_us_month_first(expression: str, form: str | None = None) -> str:
    """A numeric day-first date that only makes sense month first: 04/23/2012 (there is no month 23).
    `form` is the SQL of date_form_number(expression) when the query has it (then only numeric dates are
    parsed)."""
    parts = [f"try_cast(regexp_extract({expression}, {_text(_NUMERIC_DAY_FIRST)}, {i}) as integer)" for i in (1, 2)]
    test = f"coalesce({parts[0]} between 1 and 12 and {parts[1]} between 13 and 31, false)"
    return f"(case when {form} in {_NUMERIC_FORMS} then {test} else false end)" if form else test


def is_day_first_only(expression: str, form: str | None = None) -> str:
    """A numeric date that only makes sense day first: 23/04/2012."""
    parts = [f"try_cast(regexp_extract({expression}, {_text(_NUMERIC_DAY_FIRST)}, {i}) as integer)" for i in (1, 2)]
    test = f"coalesce({parts[0]} between 13 and 31 and {parts[1]} between 1 and 12, false)"
    return f"(case when {form} in {_NUMERIC_FORMS} then {test} else false end)" if form else test


# --- numbers ------------------------------------------------------------------------------------------

_PLAIN_NUMBER = r"[-+]?(\d+(\.\d+)?|\.\d+)"
# Thousands separators are taken only where the groups prove them: 1,234,567 or 1,234.5 always; 1,234
# alone only in a whole-number column (in a decimal column it could be 1.234 written with a comma).
_PROVEN_THOUSANDS = r"[-+]?\d{1,3}(,\d{3}){2,}(\.\d+)?|[-+]?\d{1,3}(,\d{3})+\.\d+"
_ONE_THOUSANDS_GROUP = r"[-+]?\d{1,3},\d{3}"
_DECIMAL_COMMA = r"[-+]?\d+,\d+"
_PERCENT = r"[-+]?\d+([.,]\d+)?\s*%"


def thousands_separators_removed(expression: str, whole_numbers: bool) -> str:
    """1,234,567 -> 1234567 where the groups prove the commas are thousands separators; else unchanged."""
    proven = _matches(expression, _PROVEN_THOUSANDS)
    if whole_numbers:
        proven = f"({proven} or {_matches(expression, _ONE_THOUSANDS_GROUP)})"
    return f"case when {proven} then replace({expression}, ',', '') else {expression} end"


def decimal_comma_to_point(expression: str) -> str:
    """0,8 -> 0.8 (a decimal comma); 1,234 is left alone: it could be a thousands separator."""
    return (f"case when {_matches(expression, _DECIMAL_COMMA)} and not {_matches(expression, _ONE_THOUSANDS_GROUP)}"
            f" then replace({expression}, ',', '.') else {expression} end")


def percent_to_fraction(expression: str) -> str:
    """80% -> 0.8, 12,5 % -> 0.125: a share written as a percentage."""
    number = f"cast(replace(trim(replace({expression}, '%', '')), ',', '.') as double)"
    return f"case when {_matches(expression, _PERCENT)} then cast({number} / 100 as varchar) else {expression} end"


def is_plain_number(expression: str) -> str:
    return _matches(expression, _PLAIN_NUMBER)


def number_problem(expression: str, kind: str) -> str:
    """Why a number value (already trimmed) cannot be read, or null when it can. Never guesses."""
    whole = kind == "number"
    value = thousands_separators_removed(expression, whole_numbers=whole)
    checks = []
    if kind in ("decimal", "fraction"):
        checks.append((_matches(expression, _ONE_THOUSANDS_GROUP),
                       ("value has one comma before three digits: it could be a decimal comma or a thousands "
                       "separator, so it is not guessed")))
        value = decimal_comma_to_point(value)
    if kind == "fraction":
        value = percent_to_fraction(value)
    if whole:
        checks.append((f"{_matches(expression, _DECIMAL_COMMA)} and not {_matches(expression, _ONE_THOUSANDS_GROUP)}",
                       "value has a decimal comma in a column of numbers written with a decimal point"))
    checks.append((f"not {is_plain_number(value)}", "value is not a number"))
    whens = " ".join(f"when {condition} then {_text(reason)}" for condition, reason in checks)
    return f"case when {expression} is null then null {whens} end"


def number_value(expression: str, kind: str) -> str:
    value = thousands_separators_removed(expression, whole_numbers=kind == "number")
    if kind in ("decimal", "fraction"):
        value = decimal_comma_to_point(value)
    if kind == "fraction":
        value = percent_to_fraction(value)
    return value
