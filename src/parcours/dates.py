"""Calendar arithmetic shared by ages, lengths of stay and time in the project."""

import datetime


def completed_years(start: datetime.date, day: datetime.date) -> int:
    """Whole years from ``start`` to ``day`` (an age, or years in the country)."""
    return day.year - start.year - ((day.month, day.day) < (start.month, start.day))


def completed_months(start: datetime.date, day: datetime.date) -> int:
    """Whole months from ``start`` to ``day``."""
    return (day.year - start.year) * 12 + day.month - start.month - (day.day < start.day)
