"""A due date as a list shows it: the weekday, the day and the month, written as each language
writes them (months lower-case in Dutch and French), and the year when it is not this one."""

from django import template
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format

register = template.Library()


@register.filter
def due_day(day):
    if not day:
        return ""
    month = "M" if translation.get_language() == "en" else "b"
    text = date_format(day, f"D j {month}")
    return text if day.year == timezone.localdate().year else f"{text} {day.year}"
