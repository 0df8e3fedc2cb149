"""The contact log: a few taps from the family page, checked, counted."""

import datetime

import pytest
from django.urls import reverse

from parcours.casework.models import Contact
from parcours.privacy.models import AuditEvent


def _contact(family, **changes):
    data = {
        "kind": "home_visit",
        "on": "2026-03-10",
        "minutes": "60",
        "note": "Read letters",
        "present": [p.pk for p in family.members.all()],
    }
    data.update(changes)
    return data


def test_a_home_visit_is_logged_from_the_family_page_with_htmx(make_family, case_manager, login):
    family = make_family("active")
    response = login(case_manager).post(
        reverse("casework:contact_create", args=[family.pk]),
        _contact(family),
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and 'id="contacts"' in html
    contact = Contact.objects.get()
    assert (contact.kind, contact.minutes, contact.note) == ("home_visit", 60, "Read letters")
    assert contact.author == case_manager and contact.present.count() == 2
    assert AuditEvent.objects.filter(object_type="casework.contact", action="create").exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"on": "2999-01-01"}, "on", "in the future"),
        ({"minutes": "-5"}, "minutes", ""),
        ({"minutes": "0"}, "minutes", "between 1 and 720"),
        ({"minutes": "9000"}, "minutes", "between 1 and 720"),
        ({"kind": "accompaniment"}, "accompanied_to", "accompanied"),
        ({"kind": "telepathy"}, "kind", "valid choice"),
        # A 5 MB note was once accepted and made the family page 5 MB of HTML.
        ({"note": "x" * 5_000_000}, "note", "at most 4000 characters (it has 5000000)"),
    ],
)
def test_bad_contacts_name_the_field_and_save_nothing(
    make_family, case_manager, login, changes, field, message
):
    family = make_family("active")
    response = login(case_manager).post(
        reverse("casework:contact_create", args=[family.pk]), _contact(family, **changes)
    )
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert not Contact.objects.exists()


def test_a_note_s_limit_is_said_at_the_field_and_never_left_to_the_browser(
    make_family, case_manager, login
):
    family = make_family("active")
    page = login(case_manager).get(reverse("casework:contact_create", args=[family.pk]))
    html = page.content.decode()
    assert 'data-limit="4000"' in html and "maxlength" not in html.split('id="id_note"')[1][:200]
    assert "At most 4\u202f000 characters." in html


def test_someone_outside_the_family_cannot_be_present(make_family, case_manager, login):
    family, other = make_family("active"), make_family("active")
    stranger = other.household[0]
    response = login(case_manager).post(
        reverse("casework:contact_create", args=[family.pk]),
        _contact(family, present=[stranger.pk]),
    )
    assert "present" in response.context["form"].errors
    assert not Contact.objects.exists()


def test_the_family_page_fetches_the_contact_form_when_its_box_is_opened(
    make_family, case_manager, login
):
    family = make_family("active")
    client = login(case_manager)
    url = reverse("casework:contact_create", args=[family.pk])
    page = client.get(family.get_absolute_url()).content.decode()
    panel = page[page.index('id="contacts"') :]
    # Closed, the box holds a link to the form's own page, and htmx fetches the form on opening.
    assert 'name="minutes"' not in panel and f'hx-get="{url}" hx-trigger="toggle once"' in panel
    assert f'<a href="{url}">Open the contact form</a>' in panel
    fetched = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fetched and f'hx-post="{url}"' in fetched
    assert 'name="minutes"' in fetched and "Amina Haddad" in fetched  # who was present
    assert "<html" in client.get(url).content.decode()  # without script: the whole page


def test_a_closed_file_offers_no_box_to_log_a_contact(make_family, coordinator, login):
    family = make_family("closed")
    page = login(coordinator).get(family.get_absolute_url()).content.decode()
    assert "Open the contact form" not in page and "Log a contact" not in page


def test_an_htmx_error_comes_back_in_the_panel_with_what_was_typed(
    make_family, case_manager, login
):
    family = make_family("active")
    response = login(case_manager).post(
        reverse("casework:contact_create", args=[family.pk]),
        _contact(family, on="2999-01-01", note="Keep this text"),
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "This date is in the future." in html and "Keep this text" in html
    assert "<details open" in html  # the box stays open on the form
    assert not Contact.objects.exists()


def test_a_closed_file_takes_no_more_contacts(make_family, case_manager, coordinator, login):
    family = make_family("closed")
    family.case_managers.add(case_manager)
    response = login(coordinator).post(
        reverse("casework:contact_create", args=[family.pk]), _contact(family)
    )
    assert "not logged on this file" in response.content.decode()
    assert not Contact.objects.exists()


def test_counts_per_kind_and_period(clock, make_family, case_manager):
    from parcours.casework.panels import contact_counts

    family = make_family("active")
    for kind, on in [
        ("home_visit", "2026-06-10"),
        ("home_visit", "2026-03-01"),
        ("home_visit", "2025-01-01"),
        ("phone_call", "2026-06-14"),
    ]:
        Contact.objects.create(family=family, kind=kind, on=on, author=case_manager)
    counts = {row["kind"]: row for row in contact_counts(family, datetime.date(2026, 6, 15))}
    assert (
        counts["home_visit"]["month"],
        counts["home_visit"]["year"],
        counts["home_visit"]["total"],
    ) == (1, 2, 3)
    assert counts["phone_call"]["total"] == 1 and counts["accompaniment"]["total"] == 0


def test_the_family_page_query_count_does_not_grow_with_contacts(
    make_family, case_manager, login, django_assert_max_num_queries
):
    family = make_family("active")
    client = login(case_manager)
    Contact.objects.create(family=family, kind="home_visit", on="2026-03-01", author=case_manager)
    with django_assert_max_num_queries(40) as counted:
        client.get(family.get_absolute_url())
    people = list(family.members.all())
    for day in range(1, 29):
        contact = Contact.objects.create(
            family=family,
            kind="phone_call",
            on=f"2026-04-{day:02d}",
            author=case_manager,
            note="n",
        )
        contact.present.set(people)
    with django_assert_max_num_queries(len(counted.captured_queries)):
        client.get(family.get_absolute_url())


def test_who_was_present_shows_on_the_family_page_and_the_contact_history(
    make_family, case_manager, login
):
    """Read from the links and matched to the household, in its order (parent first)."""
    family = make_family("active")
    parent, child = family.household
    client = login(case_manager)
    client.post(
        reverse("casework:contact_create", args=[family.pk]),
        _contact(family, present=[child.pk, parent.pk]),
    )
    client.post(reverse("casework:contact_create", args=[family.pk]), _contact(family, present=[]))
    names = f"<small>{parent.given_name}, {child.given_name}</small>"
    for url in (family.get_absolute_url(), reverse("casework:contacts", args=[family.pk])):
        html = client.get(url).content.decode()
        assert html.count(names) == 1, url  # the other contact: nobody named
        assert html.count('<ul class="contacts">') == 1


def test_the_contact_history_is_paginated(make_family, case_manager, login):
    family = make_family("active")
    for day in range(1, 31):
        Contact.objects.create(
            family=family, kind="message", on=f"2026-04-{day:02d}", author=case_manager
        )
    page = login(case_manager).get(reverse("casework:contacts", args=[family.pk]))
    assert len(page.context["page"].object_list) == 25 and page.context["page"].has_next()


def test_long_notes_are_folded_on_the_family_page_and_read_whole_when_opened(
    make_family, case_manager, login
):
    from parcours.casework.services import log_contact
    from parcours.privacy.audit import Actor

    family = make_family("active")
    for day in range(1, 8):
        note = f"Visit {day}: " + "the letters from the office, read together. " * 90
        log_contact(
            Actor(case_manager),
            Contact(family=family, kind="home_visit", on=f"2026-03-0{day}", note=note),
            [],
        )
    html = login(case_manager).get(family.get_absolute_url()).content.decode()
    contacts = html[html.index('id="contacts"') :]
    assert contacts.count('<details class="folded">') == 5  # the latest five, each folded
    assert "Read it all" in contacts and "Visit 7: the letters" in contacts
    assert len(html.encode()) < 300_000
