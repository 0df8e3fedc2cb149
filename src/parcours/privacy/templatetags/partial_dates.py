"""A date of birth as each language writes a date; the year alone when only that is known."""

from django import template
from django.utils.formats import date_format

register = template.Library()


@register.filter
def partial_date(value) -> str:
    if not value:
        return ""
    exact = value.exact
    return date_format(exact, "DATE_FORMAT") if exact else str(value.year)
