"""Calendar arithmetic shared by ages, lengths of stay and time in the project."""

import datetime


def completed_years(start: datetime.date, day: datetime.date) -> int:
    """Whole years from ``start`` to ``day`` (an age, or years in the country)."""
    return day.year - start.year - ((day.month, day.day) < (start.month, start.day))


def completed_months(start: datetime.date, day: datetime.date) -> int:
    """Whole months from ``start`` to ``day``."""
    return (day.year - start.year) * 12 + day.month - start.month - (day.day < start.day)


def add_months(start: datetime.date, months: int) -> datetime.date:
    """``start`` plus whole months, on the last day of a shorter month (31 Jan + 1 → 28 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    last_day = (
        datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)
    ).day
    return datetime.date(year, month, min(start.day, last_day))
