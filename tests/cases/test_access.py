"""Access from the outside: every view, as every user who may not see the family → 404."""

import pytest
from django.urls import reverse

from parcours.cases.models import Family

FAMILY_VIEWS = [
    ("family", "get"),
    ("cases:family_edit", "get"),
    ("cases:family_edit", "post"),
    ("cases:screening", "get"),
    ("cases:screening", "post"),
    ("cases:refer_again", "get"),
    ("cases:refer_again", "post"),
    ("cases:audit", "get"),
    ("cases:person_create", "get"),
    ("cases:person_create", "post"),
]
PERSON_VIEWS = [
    ("cases:person", "get"),
    ("cases:person_edit", "get"),
    ("cases:person_edit", "post"),
]
STEPS = ["start_screening", "admit", "decline", "withdraw", "pause", "resume", "close"]
STRANGERS = ["colleague", "evaluator", "administrator", "outsider"]


def _urls(family):
    person = family.household[0]
    urls = [(reverse(name, args=[family.pk]), method) for name, method in FAMILY_VIEWS]
    urls += [(reverse(name, args=[family.pk, person.pk]), method) for name, method in PERSON_VIEWS]
    urls += [
        (reverse("cases:step", args=[family.pk, s]), m) for s in STEPS for m in ("get", "post")
    ]
    return urls


@pytest.mark.parametrize("who", STRANGERS)
def test_users_who_may_not_see_the_family_get_404_everywhere(request, who, make_family, login):
    family = make_family("screening")
    client = login(request.getfixturevalue(who))
    for url, method in _urls(family):
        response = getattr(client, method)(url, {"reason": "x"} if method == "post" else None)
        assert response.status_code == 404, (who, method, url)
    assert Family.objects.get(pk=family.pk).status == "screening"


def test_anonymous_visitors_are_sent_to_sign_in(client, make_family):
    family = make_family()
    for url, _method in [*_urls(family), (reverse("cases:list"), "get")]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/"), url


@pytest.mark.parametrize("who", ["case_manager", "coordinator"])
def test_the_assigned_case_manager_and_the_coordinator_see_the_family(
    request, who, make_family, login
):
    family = make_family()
    client = login(request.getfixturevalue(who))
    assert client.get(reverse("family", args=[family.pk])).status_code == 200
    person = family.household[0]
    assert client.get(reverse("cases:person", args=[family.pk, person.pk])).status_code == 200


def test_a_person_of_another_family_is_404_under_this_family(make_family, login, case_manager):
    mine, other = make_family(), make_family()
    stranger = other.household[0]
    url = reverse("cases:person", args=[mine.pk, stranger.pk])
    assert login(case_manager).get(url).status_code == 404


@pytest.mark.parametrize("who", ["evaluator", "administrator"])
@pytest.mark.parametrize(
    "name", ["cases:caseload", "cases:list", "cases:referral_create", "cases:member_row"]
)
def test_roles_without_case_access_get_404_on_case_pages(request, who, name, login):
    assert login(request.getfixturevalue(who)).get(reverse(name)).status_code == 404


def test_the_home_page_tells_roles_without_case_access_so(evaluator, login):
    response = login(evaluator).get(reverse("home"))
    assert response.status_code == 200
    assert "no access to family files" in response.content.decode()


def test_the_case_list_shows_only_visible_families(make_family, colleague, login, case_manager):
    make_family(members=[_member("Visible")])
    make_family(by=colleague, members=[_member("Hidden")])
    page = login(case_manager).get(reverse("cases:list")).content.decode()
    assert "Visible" in page and "Hidden" not in page


def test_administrators_cannot_reach_family_data_in_the_admin(administrator, login):
    client = login(administrator)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/cases/family/").status_code == 404
    assert client.get("/admin/cases/person/").status_code == 404


def _member(name):
    from tests.conftest import make_person

    return make_person(given=name)
