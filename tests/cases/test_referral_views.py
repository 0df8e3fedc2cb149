"""Registering a referral through the page, and what bad input does."""

import pytest
from django.urls import reverse

from parcours.cases.models import Family, Person
from parcours.privacy.models import AuditEvent


def _payload(**changes):
    data = {
        "project": "",
        "referred_on": "2026-05-04",
        "referral_route": "referred_by_organisation",
        "referring_organisation": "Welzijnsschakels",
        "referrer_name": "Ann Peeters",
        "referrer_contact": "+32 2 123 45 67",
        "referral_notes": "Fear of detention",
        "languages": "Arabic",
        "interpreter_needed": "on",
        "address": "Rue Haute 1",
        "phone": "+32 470 00 00 00",
        "status_at_entry": "asylum_seeker",
        "m-TOTAL_FORMS": "2",
        "m-INITIAL_FORMS": "0",
        "m-MIN_NUM_FORMS": "1",
        "m-MAX_NUM_FORMS": "1000",
        "m-0-role": "parent",
        "m-0-given_name": "Layla",
        "m-0-family_name": "Karimi",
        "m-0-birth_date": "1988",
        "m-0-sex": "female",
        "m-0-nationality": "IQ",
        "m-0-country_of_birth": "IQ",
        "m-0-arrival_date": "2014-09-01",
        "m-1-role": "child",
        "m-1-given_name": "Omar",
        "m-1-family_name": "Karimi",
        "m-1-birth_date": "2016-02-29",
        "m-1-sex": "male",
        "m-1-nationality": "IQ",
        "m-1-country_of_birth": "BE",
        "m-1-arrival_date": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def payload(project):
    return lambda **changes: _payload(**{"project": str(project.pk), **changes})


def test_a_case_manager_registers_a_referral_with_its_household(case_manager, login, payload):
    response = login(case_manager).post(reverse("cases:referral_create"), payload())
    family = Family.objects.get()
    assert response.status_code == 302 and response.url == family.get_absolute_url()
    assert family.status == "referred"
    assert list(family.case_managers.all()) == [case_manager]
    assert sorted(p.full_name for p in family.members.all()) == ["Layla Karimi", "Omar Karimi"]
    layla = next(p for p in family.members.all() if p.given_name == "Layla")
    assert layla.birth_date == "1988" and layla.birth_date.exact is None
    assert family.interpreter_needed and family.referrer_name == "Ann Peeters"
    assert AuditEvent.objects.filter(family_id=family.pk, action="create").count() == 3


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"referred_on": "2999-01-01"}, "referred_on", "This date is in the future."),
        ({"referring_organisation": ""}, "referring_organisation", "Name the organisation"),
        ({"referral_route": "by_pigeon"}, "referral_route", "Select a valid choice"),
        ({"m-0-birth_date": "03/02/1988"}, "birth_date", "YYYY-MM-DD"),
        ({"m-0-birth_date": "2999"}, "birth_date", "This date is in the future."),
        ({"m-0-arrival_date": "1980-01-01"}, "arrival_date", "cannot come before the birth"),
        ({"m-0-nationality": "XX"}, "nationality", "Select a valid choice"),
        ({"m-1-given_name": ""}, "given_name", "This field is required."),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(
    case_manager, login, payload, changes, field, message
):
    client = login(case_manager)
    audit_before = AuditEvent.objects.count()
    response = client.post(reverse("cases:referral_create"), payload(**changes))
    assert response.status_code == 200
    assert not Family.objects.exists() and not Person.objects.exists()
    form = response.context["form"]
    errors = {
        **form.errors,
        **{k: v for f in response.context["members"] for k, v in f.errors.items()},
    }
    assert field in errors and message in " ".join(errors[field])
    assert AuditEvent.objects.count() == audit_before
    # Nothing typed is lost: the page comes back with the values filled in.
    assert "Welzijnsschakels" in response.content.decode() or field == "referring_organisation"
    assert "Karimi" in response.content.decode()


def test_a_referral_without_members_is_refused(case_manager, login, payload):
    empty = {
        f"m-{i}-{k}": ""
        for i in (0, 1)
        for k in (
            "role",
            "given_name",
            "family_name",
            "birth_date",
            "nationality",
            "country_of_birth",
            "arrival_date",
        )
    }
    empty.update({"m-0-sex": "unknown", "m-1-sex": "unknown"})
    response = login(case_manager).post(reverse("cases:referral_create"), payload(**empty))
    first = response.context["members"].forms[0]
    assert {"role", "given_name", "family_name"} <= set(first.errors)
    assert not Family.objects.exists()


def test_a_project_the_user_does_not_belong_to_is_refused(
    case_manager, login, payload, other_project
):
    response = login(case_manager).post(
        reverse("cases:referral_create"), payload(project=str(other_project.pk))
    )
    assert "project" in response.context["form"].errors
    assert not Family.objects.exists()


def test_the_member_row_for_htmx_carries_the_next_index(case_manager, login):
    response = login(case_manager).get(
        reverse("cases:member_row"), {"index": "2"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert 'name="m-2-given_name"' in html
    assert 'id="id_m-TOTAL_FORMS" value="3"' in html and 'hx-swap-oob="true"' in html


@pytest.mark.parametrize(
    ("picked", "year", "stored"),
    [("", "1988", "1988"), ("1988-03-02", "", "1988-03-02"), ("1988-03-02", "1990", "1988-03-02")],
)
def test_a_date_of_birth_is_picked_or_given_as_the_year_alone(
    case_manager, login, payload, picked, year, stored
):
    data = payload()
    del data["m-0-birth_date"]
    data.update({"m-0-birth_date_0": picked, "m-0-birth_date_1": year})
    login(case_manager).post(reverse("cases:referral_create"), data)
    assert Person.objects.get(role="parent").birth_date == stored


def test_the_date_of_birth_has_the_date_picker_and_the_year(case_manager, login):
    html = login(case_manager).get(reverse("cases:referral_create")).content.decode()
    assert 'type="date" name="m-0-birth_date_0"' in html
    assert 'type="number" name="m-0-birth_date_1"' in html and "or the year alone" in html


def test_errors_are_summed_up_at_the_top_each_a_link_to_its_field(case_manager, login, payload):
    page = login(case_manager, "fr").post(
        reverse("cases:referral_create"),
        payload(**{"referred_on": "2999-01-01", "m-1-given_name": "", "m-1-birth_date": "2999"}),
    )
    html = page.content.decode()
    summary = html[
        html.index("data-error-summary") : html.index("</ul>", html.index("data-error-summary"))
    ]
    assert 'tabindex="-1"' in html and 'role="alert"' in html
    assert '<a href="#id_referred_on">' in summary
    assert '<a href="#id_m-1-given_name">Membre 2 · Prénom' in summary
    assert '<a href="#id_m-1-birth_date_0">Membre 2 · Date de naissance' in summary
    assert "3 choses à corriger avant d\u2019enregistrer" in html
    assert not Family.objects.exists()


def test_a_referral_without_a_member_says_so_in_plain_words(case_manager, login, payload):
    data = {k: v for k, v in payload().items() if not k.startswith("m-")}
    data |= {"m-TOTAL_FORMS": "0", "m-INITIAL_FORMS": "0", "m-MIN_NUM_FORMS": "1"}
    page = login(case_manager, "fr").post(reverse("cases:referral_create"), data)
    html = page.content.decode()
    assert "Ajoutez au moins un membre de la famille." in html
    assert "formulaire" not in html.split("data-error-summary")[1].split("</div>")[0]
    assert not Family.objects.exists()
