"""Every casework view, as every user who may not see the family: 404, nothing changes."""

import datetime

import pytest
from django.urls import reverse

from parcours.casework.models import Action, Consent, Contact, ServiceReferral

STRANGERS = ["colleague", "evaluator", "administrator", "outsider"]


@pytest.fixture
def worked_family(make_family, case_manager, lawyer, consent_to_lawyer):
    family = make_family("active")
    action = Action.objects.create(
        family=family, description="x", actor="family", created_by=case_manager
    )
    consent = consent_to_lawyer(family)
    referral = ServiceReferral.objects.create(
        family=family,
        provider=lawyer,
        consent=consent,
        referred_on=datetime.date(2026, 3, 1),
        reason="x",
        created_by=case_manager,
    )
    return family, action, consent, referral


def _urls(family, action, consent, referral):
    f = [family.pk]
    return [
        reverse("casework:contacts", args=f),
        reverse("casework:contact_create", args=f),
        reverse("casework:plan", args=f),
        reverse("casework:action_create", args=f),
        reverse("casework:action_edit", args=[family.pk, action.pk]),
        reverse("casework:action_done", args=[family.pk, action.pk]),
        reverse("casework:review_create", args=f),
        reverse("casework:consent_create", args=f),
        reverse("casework:consent_withdraw", args=[family.pk, consent.pk]),
        reverse("casework:service_create", args=f),
        reverse("casework:service_edit", args=[family.pk, referral.pk]),
    ]


@pytest.mark.parametrize("who", STRANGERS)
def test_strangers_get_404_on_every_casework_view(request, who, worked_family, login):
    client = login(request.getfixturevalue(who))
    get_only = reverse("casework:contacts", args=[worked_family[0].pk])
    post_only = reverse("casework:action_done", args=[worked_family[0].pk, worked_family[1].pk])
    for url in _urls(*worked_family):
        # 405 answers the method, whatever the record: it says nothing about the family.
        assert client.get(url).status_code == (405 if url == post_only else 404), url
        post = client.post(
            url,
            {
                "kind": "home_visit",
                "on": "2026-03-01",
                "status": "done",
                "withdrawn_on": "2026-03-02",
                "progress": "x",
            },
        )
        assert post.status_code == (405 if url == get_only else 404), url
    _family, action, consent, _referral = worked_family
    assert not Contact.objects.exists()
    assert Action.objects.get(pk=action.pk).status == "open"
    assert Consent.objects.get(pk=consent.pk).withdrawn_on is None


@pytest.mark.parametrize("who", ["evaluator", "administrator"])
@pytest.mark.parametrize(
    "name",
    ["casework:my_week", "casework:calendar", "casework:directory", "casework:provider_create"],
)
def test_roles_without_case_access_get_404_on_casework_pages(request, who, name, login):
    assert login(request.getfixturevalue(who)).get(reverse(name)).status_code == 404


def test_an_action_of_another_family_is_404_under_this_family(
    make_family, worked_family, case_manager, login
):
    other = make_family("active")
    _family, action, _consent, _referral = worked_family
    url = reverse("casework:action_done", args=[other.pk, action.pk])
    assert login(case_manager).post(url).status_code == 404


def test_a_provider_of_another_organisation_is_404(login, outsider, lawyer):
    url = reverse("casework:provider_edit", args=[lawyer.pk])
    assert login(outsider).get(url).status_code == 404
