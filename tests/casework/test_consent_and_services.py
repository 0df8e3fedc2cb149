"""Nothing goes to a third party without a matching consent that is still in force."""

import datetime

from django.urls import reverse

from parcours.casework.models import Consent, ServiceReferral


def _refer(client, family, lawyer, on="2026-03-01"):
    return client.post(
        reverse("casework:service_create", args=[family.pk]),
        {"provider": lawyer.pk, "referred_on": on, "reason": "Legal screening"},
    )


def test_a_referral_to_a_lawyer_without_consent_is_refused(
    make_family, case_manager, lawyer, login
):
    family = make_family("active")
    response = _refer(login(case_manager), family, lawyer)
    assert "no consent in force" in " ".join(response.context["form"].errors["provider"])
    assert not ServiceReferral.objects.exists()


def test_with_consent_the_referral_is_made_and_linked_to_it(
    make_family, case_manager, lawyer, consent_to_lawyer, login
):
    family = make_family("active")
    consent = consent_to_lawyer(family)
    assert _refer(login(case_manager), family, lawyer).status_code == 302
    referral = ServiceReferral.objects.get()
    assert referral.consent == consent and referral.reason == "Legal screening"


def test_a_withdrawn_consent_no_longer_allows_sharing(
    make_family, case_manager, lawyer, consent_to_lawyer, login
):
    family = make_family("active")
    consent = consent_to_lawyer(family)
    client = login(case_manager)
    client.post(
        reverse("casework:consent_withdraw", args=[family.pk, consent.pk]),
        {"withdrawn_on": "2026-02-20"},
    )
    assert Consent.objects.get(pk=consent.pk).withdrawn_on == datetime.date(2026, 2, 20)
    response = _refer(client, family, lawyer)
    assert "provider" in response.context["form"].errors
    assert not ServiceReferral.objects.exists()


def test_a_consent_given_after_the_referral_date_does_not_cover_it(
    make_family, case_manager, lawyer, consent_to_lawyer, login
):
    family = make_family("active")
    consent_to_lawyer(family, on=datetime.date(2026, 4, 1))
    response = _refer(login(case_manager), family, lawyer, on="2026-03-01")
    assert "provider" in response.context["form"].errors


def test_a_consent_to_share_must_name_the_recipient(make_family, case_manager, login):
    family = make_family("active")
    response = login(case_manager).post(
        reverse("casework:consent_create", args=[family.pk]),
        {"purpose": "share_with_provider", "given_on": "2026-02-02"},
    )
    assert "provider" in response.context["form"].errors
    assert not Consent.objects.exists()


def test_withdrawing_before_the_consent_was_given_is_refused(
    make_family, case_manager, consent_to_lawyer, login
):
    family = make_family("active")
    consent = consent_to_lawyer(family)
    response = login(case_manager).post(
        reverse("casework:consent_withdraw", args=[family.pk, consent.pk]),
        {"withdrawn_on": "2026-01-01"},
    )
    assert "withdrawn_on" in response.context["form"].errors
    assert Consent.objects.get(pk=consent.pk).withdrawn_on is None


def test_the_directory_is_kept_by_case_workers(case_manager, login, project):
    client = login(case_manager)
    client.post(
        reverse("casework:provider_create"),
        {"kind": "psychologist", "name": "Dr. Claes", "active": "on"},
    )
    page = client.get(reverse("casework:directory")).content.decode()
    assert "Dr. Claes" in page
    response = client.post(reverse("casework:provider_create"), {"kind": "wizard", "name": ""})
    assert {"kind", "name"} <= set(response.context["form"].errors)
