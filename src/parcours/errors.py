"""The error summary at the top of a form: every problem in plain words, each a link to its
field, so that a person on a phone sees at once what to correct and reaches it in one tap
(the message at the field may be a screen further down). A built-in template tag."""

from dataclasses import dataclass

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@dataclass(frozen=True)
class Problem:
    text: str
    anchor: str = ""  # the id of the field to go to


def _field_problems(form, prefix: str = "") -> list[Problem]:
    problems = [Problem(f"{prefix}{error}") for error in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name == "__all__" or name not in form.fields:
            continue
        field = form[name]
        anchor = field.id_for_label or field.auto_id
        problems += [Problem(f"{prefix}{field.label}: {error}", anchor) for error in errors]
    return problems


@register.simple_tag
def error_summary(form, formset=None) -> list[Problem]:
    """The problems of ``form`` and of each form of ``formset`` (a member: "Member 2 · …")."""
    # A variable the page does not have arrives as "": nothing to sum up.
    problems = _field_problems(form) if getattr(form, "is_bound", False) else []
    if getattr(formset, "is_bound", False):
        problems += [Problem(str(error)) for error in formset.non_form_errors()]
        for number, member in enumerate(formset.forms, start=1):
            label = _("Member %(n)s") % {"n": number}
            problems += _field_problems(member, f"{label} · ")
    return problems
