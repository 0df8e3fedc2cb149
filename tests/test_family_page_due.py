"""The family page's "What is due" is worked out from what its panels read, by the same rules
as the collectors of "my week" and the calendar: both must list the same items."""

import datetime

import pytest
from django.urls import reverse

from parcours.cases.models import Family
from parcours.casework.due import due_items
from parcours.casework.models import Action
from parcours.legal.models import DeadlineRule, Procedure

JUNE_15 = datetime.date(2026, 6, 15)


def _action(family, user, due):
    Action.objects.create(
        family=family, description="Call", actor="case_manager", due_on=due, created_by=user
    )


def _procedure(family, code, notified):
    Procedure.objects.create(
        family=family,
        type="asylum",
        status="refused",
        notified_on=notified,
        deadline_rule=DeadlineRule.objects.get(country="BE", code=code),
    )


@pytest.mark.parametrize("status", ["active", "paused", "closed", "screening"])
def test_the_family_page_lists_what_the_collectors_list(
    status, clock, make_family, case_manager, coordinator, login
):
    family = make_family(status)
    for due in (datetime.date(2026, 6, 1), datetime.date(2026, 6, 18), datetime.date(2026, 8, 1)):
        _action(family, case_manager, due)
    _procedure(family, "appeal_accelerated_short", datetime.date(2026, 6, 12))  # due 17 June
    _procedure(family, "appeal", datetime.date(2026, 3, 4))  # notified too long ago
    page = login(coordinator).get(reverse("family", args=[family.pk]))
    shown = [(item.kind, item.on, item.uid) for item in page.context["due"]]
    listed = [
        (item.kind, item.on, item.uid)
        for item in due_items(Family.objects.filter(pk=family.pk), JUNE_15)
    ]
    assert shown == listed
    kinds = {kind for kind, _on, _uid in shown}
    expected = {
        "active": {"action", "review", "no_contact", "deadline", "sheet"},
        "paused": {"action", "deadline", "sheet"},
        "closed": {"sheet"},  # the Client Summary Sheet at closure
        "screening": set(),
    }[status]
    assert kinds == expected
