"""The family page, its edit forms, screening and lifecycle steps through the pages."""

import pytest
from django.urls import reverse

from parcours.cases.models import Family, Person, ScreeningAssessment
from tests.conftest import make_person


def test_the_family_page_shows_household_and_computed_counts(make_family, case_manager, login):
    from tests.conftest import make_person

    family = make_family(
        members=[
            make_person(arrival_date=__import__("datetime").date(2010, 5, 1)),
            make_person("child", "Ali", birth="2004-01-01"),
            make_person("child", "Noor", birth="2019"),
        ]
    )
    html = login(case_manager).get(reverse("family", args=[family.pk])).content.decode()
    assert "Amina Haddad" in html and "Noor Haddad" in html
    assert "2 adults" in html and "2 children" in html and "1 aged 18 or over" in html


def test_editing_the_family_saves_and_bad_input_saves_nothing(make_family, case_manager, login):
    family = make_family()
    url = reverse("cases:family_edit", args=[family.pk])
    client = login(case_manager)
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({"referred_on": "2026-01-10", "housing_kind": "rented", "phone": "+32 2 000"})
    response = client.post(url, data)
    assert response.status_code == 302
    assert Family.objects.get(pk=family.pk).housing_kind == "rented"

    data.update({"housing_kind": "palace", "phone": "+32 9 999"})
    response = client.post(url, data)
    assert "housing_kind" in response.context["form"].errors
    assert Family.objects.get(pk=family.pk).phone == "+32 2 000"


def test_adding_a_member_with_bad_dates_is_refused(make_family, case_manager, login):
    family = make_family()
    url = reverse("cases:person_create", args=[family.pk])
    data = {
        "role": "child",
        "given_name": "Sami",
        "family_name": "Haddad",
        "sex": "male",
        "birth_date": "2020-13-40",
        "nationality": "stateless",
    }
    response = login(case_manager).post(url, data)
    assert "birth_date" in response.context["form"].errors
    assert family.members.count() == 2
    data["birth_date"] = "2020-12-24"
    assert login(case_manager).post(url, data).status_code == 302
    sami = family.members.get(
        role="child", pk__in=[p.pk for p in family.members.all() if p.given_name == "Sami"]
    )
    assert sami.get_nationality_display() == "stateless"


def test_screening_records_each_criterion_and_starts_screening(make_family, case_manager, login):
    family = make_family()
    criteria = list(family.project.criteria.all())
    data = {f"c{c.pk}": "met" for c in criteria}
    data[f"c{criteria[2].pk}"] = "unclear"
    data[f"c{criteria[2].pk}_note"] = "Order to leave expired in 2019"
    response = login(case_manager).post(reverse("cases:screening", args=[family.pk]), data)
    assert response.status_code == 302
    family.refresh_from_db()
    assert family.status == "screening"
    note = ScreeningAssessment.objects.get(family=family, criterion=criteria[2])
    assert (note.result, note.note) == ("unclear", "Order to leave expired in 2019")


def test_a_screening_note_without_a_result_names_the_criterion(make_family, case_manager, login):
    family = make_family()
    criterion = family.project.criteria.first()
    response = login(case_manager).post(
        reverse("cases:screening", args=[family.pk]), {f"c{criterion.pk}_note": "unsure"}
    )
    assert f"c{criterion.pk}" in response.context["form"].errors
    assert not ScreeningAssessment.objects.exists()
    assert Family.objects.get(pk=family.pk).status == "referred"


def test_the_coordinator_admits_through_the_page(
    make_family, coordinator, case_manager, colleague, login
):
    family = make_family("screening")
    url = reverse("cases:step", args=[family.pk, "admit"])
    client = login(coordinator)
    response = client.post(
        url, {"admitted_on": "2026-02-03", "case_managers": [case_manager.pk, colleague.pk]}
    )
    assert response.status_code == 302
    family.refresh_from_db()
    assert family.status == "active" and family.case_number == "PT-2026-001"
    assert set(family.case_managers.all()) == {case_manager, colleague}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"admitted_on": "2026-01-01"}, "admitted_on"),  # before the referral
        ({"admitted_on": "2999-01-01"}, "admitted_on"),
        ({"admitted_on": "2026-02-03", "case_managers": []}, "case_managers"),
    ],
)
def test_admission_with_bad_input_names_the_field(
    make_family, coordinator, case_manager, login, data, field
):
    family = make_family("screening")
    data.setdefault("case_managers", [case_manager.pk])
    response = login(coordinator).post(reverse("cases:step", args=[family.pk, "admit"]), data)
    assert field in response.context["form"].errors
    assert Family.objects.get(pk=family.pk).status == "screening"


def test_more_than_two_case_managers_is_refused(
    make_family, coordinator, case_manager, colleague, login, project
):
    from parcours.accounts.models import Role
    from parcours.accounts.services import create_user

    third = create_user(
        username="third", password="x" * 12, project=project, role=Role.CASE_MANAGER
    )
    family = make_family("screening")
    response = login(coordinator).post(
        reverse("cases:step", args=[family.pk, "admit"]),
        {"admitted_on": "2026-02-03", "case_managers": [case_manager.pk, colleague.pk, third.pk]},
    )
    assert "at most two" in " ".join(response.context["form"].errors["case_managers"])


def test_declining_without_a_reason_is_refused(make_family, coordinator, login):
    family = make_family("screening")
    response = login(coordinator).post(reverse("cases:step", args=[family.pk, "decline"]), {})
    assert "reason" in response.context["form"].errors
    assert Family.objects.get(pk=family.pk).status == "screening"


def test_a_step_not_allowed_now_redirects_with_a_message(make_family, case_manager, login):
    family = make_family("screening")
    response = login(case_manager).get(
        reverse("cases:step", args=[family.pk, "admit"]), follow=True
    )
    assert "Only a coordinator" in response.content.decode()


def test_closing_through_the_page_needs_the_outcome(make_family, coordinator, login):
    family = make_family("active")
    url = reverse("cases:step", args=[family.pk, "close"])
    response = login(coordinator).post(url, {"closed_on": "2026-04-01"})
    errors = response.context["form"].errors
    assert "resolution" in errors and "engagement_at_closure" in errors
    response = login(coordinator).post(
        url,
        {
            "closed_on": "2026-04-01",
            "resolution": "stay_other_eu",
            "engagement_at_closure": "remained_engaged",
        },
    )
    assert Family.objects.get(pk=family.pk).status == "closed"


def test_referring_again_through_the_page_links_the_files(make_family, case_manager, login):
    earlier = make_family("declined")
    response = login(case_manager).post(
        reverse("cases:refer_again", args=[earlier.pk]), {"referred_on": "2026-05-01"}
    )
    again = Family.objects.get(previous_referral=earlier)
    assert response.url == again.get_absolute_url()
    page = login(case_manager).get(earlier.get_absolute_url()).content.decode()
    assert again.get_absolute_url() in page


def test_editing_a_person_rebuilds_the_name_index(make_family, case_manager, login):
    from parcours.cases.services import search

    family = make_family()
    person = family.household[0]
    login(case_manager).post(
        reverse("cases:person_edit", args=[family.pk, person.pk]),
        {
            "role": "parent",
            "given_name": "Amina",
            "family_name": "Benali",
            "sex": "female",
            "birth_date": "1985-03-02",
            "nationality": "IQ",
        },
    )
    assert Person.objects.get(pk=person.pk).family_name == "Benali"
    visible = Family.objects.all()
    assert list(search(visible, "benali")) == [family]
    assert list(search(visible, "amina haddad")) == []  # the old family name is gone


def test_the_members_table_names_nationalities_in_the_reader_s_language(
    make_family, case_manager, login
):
    family = make_family(
        members=[
            make_person(nationality="SY"),
            make_person(given="Nour", nationality="stateless"),
            make_person(given="Adam", nationality=""),
        ]
    )
    client = login(case_manager)
    page = client.get(reverse("family", args=[family.pk]), HTTP_ACCEPT_LANGUAGE="fr")
    html = page.content.decode()
    assert "<td>Syrie</td>" in html and "<td>apatride</td>" in html
    adam = html[html.index(">Adam Haddad</a>") :]
    adam = adam[: adam.index("</tr>")]
    assert "<td>—</td>" in adam and "---------" not in adam  # no nationality recorded


def test_a_coordinator_sees_the_latest_audit_rows_in_their_language(
    make_family, coordinator, login
):
    """Who read the file, what they did and how it is named, newest first, in the reader's
    language: the family page's folded audit section."""
    family = make_family()
    client = login(coordinator, "nl")
    client.get(reverse("family", args=[family.pk]))
    section = reverse("family_section", args=[family.pk, "audit"])
    rows = client.get(section, HTTP_HX_REQUEST="true").context["audit"]
    assert len(rows) >= 2 and rows[0].at >= rows[1].at
    seen = rows[0]
    assert (seen.user, seen.action, seen.object_label) == (str(coordinator), "bekeken", "gezin")
    html = client.get(section, HTTP_HX_REQUEST="true").content.decode()
    assert f"<td>{coordinator}</td><td>bekeken</td><td>gezin</td>" in html
