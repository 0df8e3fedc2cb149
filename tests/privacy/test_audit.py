"""The audit trail: every read and change of a family file, append-only, no field values."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from parcours.privacy.models import AuditAction, AuditEvent


def test_viewing_a_family_page_is_logged_with_who_and_where(make_family, case_manager, login):
    family = make_family()
    client = login(case_manager)
    before = AuditEvent.objects.count()
    response = client.get(reverse("family", args=[family.pk]), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert (event.user, event.action, event.family_id) == (case_manager, "view", family.pk)
    assert event.ip_address == "10.1.2.3"


def test_changes_are_logged(make_family, case_manager, login):
    family = make_family()
    person = family.household[0]
    login(case_manager).post(
        reverse("cases:person_edit", args=[family.pk, person.pk]),
        {
            "role": "parent",
            "given_name": "Amina",
            "family_name": "Haddad-Renamed",
            "birth_date": "1985-03-02",
            "sex": "female",
            "nationality": "IQ",
        },
    )
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.object_type, event.object_id) == (
        AuditAction.UPDATE,
        "cases.person",
        str(person.pk),
    )
    assert event.family_id == family.pk


def test_the_trail_holds_no_field_values(make_family, case_manager, login):
    family = make_family()
    login(case_manager).get(reverse("family", args=[family.pk]))
    for row in AuditEvent.objects.values():
        text = " ".join(str(v) for v in row.values())
        assert "Amina" not in text and "Haddad" not in text and "1985" not in text


def test_a_forwarded_address_counts_only_from_a_trusted_proxy(
    settings, make_family, case_manager, login
):
    family = make_family()
    client = login(case_manager)
    url = reverse("family", args=[family.pk])
    client.get(url, REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert AuditEvent.objects.order_by("-id").first().ip_address == "10.0.0.9"
    settings.PARCOURS_TRUSTED_PROXIES = ["10.0.0.9"]
    client.get(url, REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="198.51.100.7, 10.0.0.9")
    assert AuditEvent.objects.order_by("-id").first().ip_address == "198.51.100.7"


def test_the_model_refuses_updates_and_deletes(make_family):
    make_family()
    event = AuditEvent.objects.first()
    event.action = "view"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="view")


@pytest.mark.parametrize(
    "statement",
    ["UPDATE privacy_auditevent SET action = 'view'", "DELETE FROM privacy_auditevent"],
)
def test_the_database_refuses_updates_and_deletes(make_family, statement):
    make_family()
    count = AuditEvent.objects.count()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEvent.objects.count() == count


def test_sign_in_and_failed_sign_in_are_logged(client, case_manager):
    client.post(reverse("login"), {"username": "sara", "password": "wrong"})
    client.post(reverse("login"), {"username": "sara", "password": "a-long-test-password"})
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == [AuditAction.LOGIN_FAILED, AuditAction.LOGIN]


def test_coordinators_and_the_familys_case_managers_read_the_trail(
    make_family, coordinator, case_manager, colleague, login
):
    family = make_family()
    url = reverse("cases:audit", args=[family.pk])
    page = login(coordinator).get(url)
    assert page.status_code == 200
    assert "Sara" in page.content.decode()  # the case manager who registered it
    assert login(case_manager).get(url).status_code == 200
    assert login(colleague).get(url).status_code == 404
    # The family page lists the latest rows for coordinators and links the page for both.
    assert "Audit trail" not in login(case_manager).get(family.get_absolute_url()).content.decode()
    assert url in login(case_manager).get(family.get_absolute_url()).content.decode()
