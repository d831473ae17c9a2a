"""Calendar arithmetic the way the DfE validator does it.

The validator adds years and months with pandas' ``DateOffset``: a 29 February birthday falls on
28 February in other years, and a month added to 31 January gives 28/29 February. Ages, 18th birthdays
and review due dates here follow the same rules, so the truth agrees with the validator to the day.
"""

from __future__ import annotations

import bisect
import calendar
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


def days(n: int) -> timedelta:
    return timedelta(days=n)


def add_months(d: date, months: int) -> date:
    """``d`` plus a number of calendar months, clipped to the end of the month (pandas semantics)."""
    month_index = d.month - 1 + months
    year = d.year + month_index // 12
    month = month_index % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def add_years(d: date, years: int) -> date:
    return add_months(d, 12 * years)


def age_on(dob: date, on: date) -> int:
    """Completed years on a date; a 29 February birthday counts on 28 February (pandas semantics)."""
    years = on.year - dob.year
    if add_years(dob, years) > on:
        years -= 1
    return years


def birthday(dob: date, age: int) -> date:
    return add_years(dob, age)


def collection_year_end(d: date) -> date:
    """The 31 March that ends the collection year containing ``d``."""
    return date(d.year if d.month <= 3 else d.year + 1, 3, 31)


class WorkingDays:
    """Working days: Monday to Friday except England and Wales bank holidays (from the seed)."""

    def __init__(self, bank_holidays: set[date], first: date, last: date):
        self._ordinals: list[int] = []
        d = first
        while d <= last:
            if d.weekday() < 5 and d not in bank_holidays:
                self._ordinals.append(d.toordinal())
            d += ONE_DAY

    def add(self, d: date, n: int) -> date:
        """The n-th working day after ``d`` (n >= 1); ``d`` itself does not count."""
        i = bisect.bisect_right(self._ordinals, d.toordinal()) + n - 1
        if i >= len(self._ordinals):  # beyond the calendar: approximate with 7/5 days per working day
            return d + days(round(n * 7 / 5))
        return date.fromordinal(self._ordinals[i])

    def between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``."""
        return bisect.bisect_right(self._ordinals, end.toordinal()) - bisect.bisect_right(
            self._ordinals, start.toordinal()
        )
