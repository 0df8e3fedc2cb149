"""The case list: search by case number or name, filters, pages, htmx, bounded queries."""

import uuid
from html.parser import HTMLParser

import pytest
from django import forms as django_forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, set_script_prefix

from parcours.cases import forms, listing, services
from parcours.cases.models import Family
from tests.conftest import make_person


@pytest.fixture
def families(make_family, colleague):
    return {
        "haddad": make_family("active", members=[make_person(given="Amina", family_name="Haddad")]),
        "dupont": make_family(members=[make_person(given="Élodie", family_name="Van den Berg")]),
        "other": make_family(
            by=colleague, members=[make_person(given="Ravi", family_name="Sharma")]
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("haddad", {"haddad"}),
        ("HADDAD amina", {"haddad"}),
        ("elodie", {"dupont"}),
        ("van den berg", {"dupont"}),
        ("Berg", {"dupont"}),
        ("PT-2026", {"haddad"}),
        ("amina sharma", set()),
        ("Hadda", {"haddad"}),  # the beginning of a longer word
        ("Ha", set()),  # two letters begin too many names
        ("Hadad Aminah", {"haddad"}),  # sounding alike
        ("Haddou", set()),  # another name that begins alike
        ("PT-", {"haddad"}),
    ],
)
def test_search_finds_exact_names_and_case_numbers(families, coordinator, query, expected):
    found = services.search(Family.objects.visible_to(coordinator), query)
    assert {k for k, f in families.items() if f in found} == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # A name that begins with a short word and a hyphen is a name, not a case number.
        ("Jean-Pierre Habimana", "habimana"),
        ("El-Amrani", "amrani"),
        ("Al-Khatib", "khatib"),
        ("al-khatib rania", "khatib"),
        # Letters Unicode does not decompose are folded too, both ways.
        ("Yilmaz", "yilmaz"),
        ("YILMAZ ayse", "yilmaz"),
        ("Y\u0131lmaz", "yilmaz"),
        ("Lukasz", "lukasz"),
    ],
)
def test_search_finds_hyphenated_and_unaccented_names(make_family, coordinator, query, expected):
    families = {
        "habimana": make_family(members=[make_person(given="Jean-Pierre", family_name="Habimana")]),
        "amrani": make_family(members=[make_person(given="Samir", family_name="El-Amrani")]),
        "khatib": make_family(members=[make_person(given="Rania", family_name="Al-Khatib")]),
        "yilmaz": make_family(members=[make_person(given="Ayşe", family_name="Y\u0131lmaz")]),
        "lukasz": make_family(members=[make_person(given="Łukasz", family_name="Nowak")]),
    }
    found = services.search(Family.objects.visible_to(coordinator), query)
    assert [k for k, f in families.items() if f in found] == [expected]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Osho", "oshodi"),  # "Osho" finds "Oshodi"
        ("Muhammad Aly", "ali"),
        ("Mouhamed", "ali"),
        ("Veronica", "veronicah"),
        ("Jallo Aminatta", "diallo"),
        ("Gebremariam Tesfay", "tesfaye"),
    ],
)
def test_search_finds_beginnings_and_names_that_sound_alike(
    make_family, coordinator, query, expected
):
    families = {
        "oshodi": make_family(members=[make_person(given="Bola", family_name="Oshodi")]),
        "ali": make_family(members=[make_person(given="Mohamed", family_name="Ali")]),
        "veronicah": make_family(members=[make_person(given="Veronicah", family_name="Wanjiru")]),
        "diallo": make_family(members=[make_person(given="Aminata", family_name="Diallo")]),
        "tesfaye": make_family(members=[make_person(given="Tesfaye", family_name="Ghebremariam")]),
    }
    found = services.search(Family.objects.visible_to(coordinator), query)
    assert [k for k, f in families.items() if f in found] == [expected]


def test_names_written_exactly_so_come_first(make_family, coordinator):
    """Four files found by one word: the one named exactly so first, though referred
    earliest, then the others in the list's order."""
    exact = make_family(referred_on="2026-01-05", members=[make_person(family_name="Ali")])
    sounding = make_family(referred_on="2026-03-05", members=[make_person(family_name="Aly")])
    longer = make_family(referred_on="2026-02-05", members=[make_person(family_name="Alibek")])
    make_family(members=[make_person(family_name="Sharif")])
    found = list(services.search(Family.objects.visible_to(coordinator), "ali"))
    assert found == [exact, sounding, longer]
    found = list(services.search(Family.objects.visible_to(coordinator), "Alib"))
    assert found == [longer]


def test_a_search_that_finds_nothing_says_what_it_searched(families, coordinator, login):
    client = login(coordinator)
    page = client.post(reverse("cases:list"), {"q": "Zzyzx"}).content.decode()
    assert "No family matches." in page
    assert "members named \u201czzyzx\u201d" in page
    assert "sound alike" in page
    page = client.post(reverse("cases:list"), {"q": "PT-1999"}).content.decode()
    assert "case numbers containing \u201cPT-1999\u201d" in page


def test_search_never_reveals_families_outside_the_gate(families, case_manager):
    found = services.search(Family.objects.visible_to(case_manager), "sharma")
    assert not found.exists()


def test_filters_by_status_and_case_manager(families, coordinator, colleague, login):
    client = login(coordinator)
    page = client.get(reverse("cases:list"), {"status": "active"})
    assert [f.pk for f in page.context["page"]] == [families["haddad"].pk]
    page = client.get(reverse("cases:list"), {"case_manager": colleague.pk})
    assert [f.pk for f in page.context["page"]] == [families["other"].pk]


def test_an_unknown_filter_value_is_named_and_ignored(families, coordinator, login):
    page = login(coordinator).get(reverse("cases:list"), {"status": "lost"})
    assert "status" in page.context["form"].errors
    assert page.context["page"].paginator.count == 3


def test_htmx_gets_only_the_results(families, coordinator, login):
    response = login(coordinator).get(
        reverse("cases:list"), {"q": "haddad"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html and "Amina Haddad" in html


def test_the_list_is_paginated(settings, families, coordinator, login):
    settings.PARCOURS_CASE_LIST_PAGE_SIZE = 2
    client = login(coordinator)
    first = client.get(reverse("cases:list"))
    assert len(first.context["page"]) == 2 and first.context["page"].has_next()
    second = client.get(reverse("cases:list"), {"page": 2})
    assert len(second.context["page"]) == 1


def test_pages_name_the_count_and_stop_at_the_last(settings, families, coordinator, login):
    settings.PARCOURS_CASE_LIST_PAGE_SIZE = 2
    client = login(coordinator)
    first = client.get(reverse("cases:list")).content.decode()
    assert "3 families" in first and "Page 1 of 2" in first and ">Next<" in first
    second = client.get(reverse("cases:list"), {"page": 2}).content.decode()
    assert "Page 2 of 2" in second and ">Next<" not in second and ">Previous<" in second
    past = client.get(reverse("cases:list"), {"page": 9})
    assert past.context["page"].number == 2  # an exact count knows the last page


def test_a_large_list_shows_the_databases_estimate_and_pages_by_its_keys(
    settings, families, coordinator, login, monkeypatch
):
    """Past ESTIMATE_ABOVE the list says "about N" (PostgreSQL's estimate) instead of counting
    every row on every page; whether a next page exists is read from the keys."""
    settings.PARCOURS_CASE_LIST_PAGE_SIZE = 2
    monkeypatch.setattr(listing, "estimated_count", lambda rows: 123_456)
    client = login(coordinator)
    first = client.get(reverse("cases:list")).content.decode()
    assert "about 120\u202f000 families" in first and "Page 1 of about 60\u202f000" in first
    assert ">Next<" in first
    second = client.get(reverse("cases:list"), {"page": 2}).content.decode()
    assert ">Next<" not in second and "Amina Haddad" in second + first
    past = client.get(reverse("cases:list"), {"page": 70000}).content.decode()
    assert "No family on this page." in past and ">First page<" in past
    assert "Page 70000 of about 70\u202f000" in past
    monkeypatch.setattr(listing, "estimated_count", lambda rows: 9_000)  # small: counted
    assert "3 families" in client.get(reverse("cases:list")).content.decode()


def test_a_list_that_fits_on_its_first_page_is_counted_by_its_keys(
    families, coordinator, login, monkeypatch
):
    """Three families on a page of fifty: the keys read for the page are the count, so neither
    the planner's estimate nor a COUNT is asked (and a wrong estimate is never shown)."""
    asked = []
    monkeypatch.setattr(listing, "estimated_count", lambda rows: asked.append(1) or 123_456)
    client = login(coordinator)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("cases:list")).content.decode()
    assert "3 families" in page and "about" not in page and not asked
    assert not [q for q in queries.captured_queries if "COUNT(*)" in q["sql"].upper()]
    assert "3 families" in client.get(reverse("cases:list"), {"page": "x"}).content.decode()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the estimate is PostgreSQL's planner's"
)
def test_postgresqls_estimate_is_near_the_count(families, project):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_family")
    rows = Family.objects.filter(project=project)
    assert 1 <= listing.estimated_count(rows) <= 10


def test_the_list_query_count_does_not_grow_with_families(
    make_family, coordinator, login, django_assert_max_num_queries
):
    client = login(coordinator)
    make_family()
    # 23: the page's own (on PostgreSQL, the planner's estimate before the count; the flag
    # reasons of the filter, the rows' flags), the second factor's device, the bell's unread
    # notifications, the possible earlier files waiting, and the audit rows of the families
    # shown (appended under a lock, PostgreSQL's advisory lock, after the last row's chain).
    with django_assert_max_num_queries(23) as few:
        client.get(reverse("cases:list"))
    for i in range(8):  # born years apart: other families, not possible earlier files
        make_family(members=[make_person(birth=f"{1950 + 3 * i}-01-01")])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("cases:list"))


def test_the_family_page_query_count_does_not_grow_with_members(
    make_family, case_manager, login, django_assert_max_num_queries
):
    small = make_family()
    large = make_family(members=[make_person(given=f"P{i}") for i in range(9)])
    client = login(case_manager)
    with django_assert_max_num_queries(34) as counted:
        client.get(reverse("family", args=[small.pk]))
    with django_assert_max_num_queries(len(counted.captured_queries)):
        client.get(reverse("family", args=[large.pk]))


def test_my_caseload_groups_open_families_by_status(make_family, case_manager, login):
    make_family("active")
    make_family("paused")
    make_family("closed")
    groups = dict(login(case_manager).get(reverse("cases:caseload")).context["groups"])
    assert [len(v) for v in groups.values()] == [0, 0, 1, 1]


def test_a_name_search_is_posted_and_never_put_in_a_url(families, coordinator, login):
    client = login(coordinator)
    page = client.get(reverse("cases:list")).content.decode()
    assert 'method="post"' in page and 'hx-post="/cases/"' in page and "hx-push-url" not in page
    response = client.post(reverse("cases:list"), {"q": "haddad"}, HTTP_HX_REQUEST="true")
    assert [f.pk for f in response.context["page"]] == [families["haddad"].pk]


def test_pages_of_a_search_are_posted_with_the_search(settings, families, coordinator, login):
    settings.PARCOURS_CASE_LIST_PAGE_SIZE = 2
    client = login(coordinator)
    first = client.post(reverse("cases:list"), {"q": ""}).content.decode()
    assert 'form="case-filter" name="page" value="2"' in first
    second = client.post(reverse("cases:list"), {"q": "", "page": "2"})
    assert len(second.context["page"]) == 1


def test_each_referral_link_names_its_family(families, coordinator, login):
    html = login(coordinator).get(reverse("cases:list")).content.decode()
    for key, name in (("dupont", "Van den Berg family (referral)"), ("other", "Sharma family")):
        assert f'<a href="{families[key].get_absolute_url()}">{name}' in html
    assert f'<a href="{families["haddad"].get_absolute_url()}">PT-2026' in html


def test_a_row_shows_the_parents_the_household_and_the_case_managers(
    make_family, coordinator, login
):
    family = make_family(
        members=[
            make_person(given="Lina", family_name="Rahimi", role="child", birth="2016-01-01"),
            make_person(given="Amina", family_name="Haddad"),
            make_person(given="Omar", family_name="Rahimi"),
        ]
    )
    html = login(coordinator).get(reverse("cases:list")).content.decode()
    row = html[html.index(family.get_absolute_url()) :]
    row = row[: row.index("</tr>")]
    # Parents first in the name, the children's birth dates left sealed; a break between
    # parents only; the case manager who registered the referral.
    assert "Haddad / Rahimi family (referral)" in row
    assert "<td>Amina Haddad<br>Omar Rahimi</td>" in row and "3 members" in row
    assert "Lina" not in row and "<td>Sara</td>" in row


def _listed(page) -> set:
    return {row.pk for row in page.context["page"]}


def test_a_link_names_its_case_manager_by_number_and_the_field_shows_the_name(
    families, coordinator, colleague, login
):
    colleague.first_name = '<b>Zoë</b> "Z"'
    colleague.save()
    page = login(coordinator).get(reverse("cases:list"), {"case_manager": colleague.pk})
    assert _listed(page) == {families["other"].pk}
    html = page.content.decode()
    assert 'value="&lt;b&gt;Zoë&lt;/b&gt; &quot;Z&quot;"' in html
    assert f'name="case_manager" value="{colleague.pk}"' in html
    assert "<b>Zoë</b>" not in html


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("youss", {"other"}),  # the beginning of a name
        ("  SARA ", {"haddad", "dupont"}),  # as written, in any case
        ("sa you", set()),  # every word must be in one person's names
        ("nobody", set()),  # no one is called so: no file, not every file
        ("", {"haddad", "dupont", "other"}),
    ],
)
def test_a_typed_name_lists_the_files_of_whoever_is_called_so(
    families, coordinator, colleague, login, typed, expected
):
    page = login(coordinator).post(reverse("cases:list"), {"case_manager_name": typed})
    assert page.context["form"].is_valid()
    assert _listed(page) == {families[name].pk for name in expected}


def test_a_name_two_people_share_lists_both_and_a_changed_name_leaves_the_number(
    families, coordinator, colleague, case_manager, project, login
):
    from tests.conftest import _user

    namesake = _user("sara2", project, "case_manager")
    namesake.first_name = "Youssef"
    namesake.save()
    client = login(coordinator)
    # "Youssef" is two people's whole name, and no one's but theirs: both are asked for.
    page = client.post(reverse("cases:list"), {"case_manager_name": "Youssef"})
    assert _listed(page) == {families["other"].pk}
    # The field still carries a link's number, but names someone else now: the name counts.
    page = client.post(
        reverse("cases:list"), {"case_manager": colleague.pk, "case_manager_name": "Sara"}
    )
    assert _listed(page) == {families["haddad"].pk, families["dupont"].pk}


def test_a_case_manager_of_another_project_is_refused_without_a_hint(
    families, coordinator, outsider, login
):
    page = login(coordinator).get(reverse("cases:list"), {"case_manager": outsider.pk})
    assert page.context["form"].errors["case_manager_name"] == [
        "No case manager of your projects has this number."
    ]
    assert "Olga" not in page.content.decode()
    missing = login(coordinator).get(reverse("cases:list"), {"case_manager": 99999})
    assert missing.context["form"].errors == page.context["form"].errors


def test_one_who_left_the_team_is_named_by_the_files_they_still_hold(
    families, coordinator, colleague, login
):
    colleague.memberships.all().delete()
    page = login(coordinator).get(reverse("cases:list"), {"case_manager": colleague.pk})
    assert page.context["form"].is_valid()
    assert _listed(page) == {families["other"].pk}


def test_the_field_offers_the_names_of_ones_own_projects_only(
    project, other_project, coordinator, colleague, case_manager, outsider, evaluator, login
):
    from tests.conftest import _user

    _user("oscar", other_project, "case_manager")
    url = reverse("cases:case_manager_names")
    offered = login(coordinator).get(url, {"case_manager_name": ""}).content.decode()
    assert offered == '<option value="Sara"></option><option value="Youssef"></option>\n'
    typed = login(coordinator).get(url, {"case_manager_name": "yo"}).content.decode()
    assert typed == '<option value="Youssef"></option>\n'
    assert "Oscar" not in login(coordinator).get(url, {"case_manager_name": "o"}).content.decode()
    elsewhere = login(outsider).get(url, {"case_manager_name": ""}).content.decode()
    assert elsewhere == '<option value="Oscar"></option>\n'
    assert login(evaluator).get(url).status_code == 404


def test_a_new_blind_index_key_needs_the_names_indexed_again(families, coordinator, settings):
    from django.core.management import call_command

    from parcours.cases.models import NameToken
    from parcours.privacy import keys

    before = sorted(NameToken.objects.values_list("person_id", "kind"))
    settings.PARCOURS_BLIND_INDEX_KEY = keys.new_key()
    keys.keyring.cache_clear()
    visible = Family.objects.visible_to(coordinator)
    assert not services.search(visible, "haddad").exists()
    call_command("reindex_names", stdout=None)
    assert list(services.search(visible, "Hadda")) == [families["haddad"]]
    assert list(services.search(visible, "Hadad")) == [families["haddad"]]
    assert sorted(NameToken.objects.values_list("person_id", "kind")) == before


def test_the_rows_link_to_their_files_as_reverse_would():
    """The table's addresses are made from one reversed address: the same as reversing each,
    under a script prefix too."""
    keys = [uuid.uuid4() for _ in range(3)]
    for prefix in ("/", "/parcours/"):
        set_script_prefix(prefix)
        try:
            url = listing.family_url()
            assert [url(pk) for pk in keys] == [reverse("family", args=[pk]) for pk in keys]
            assert url(keys[0]).startswith(f"{prefix}cases/{keys[0]}")
        finally:
            set_script_prefix("/")


@pytest.mark.parametrize(
    ("plain", "django_widget"),
    [
        (forms.PlainTextInput, django_forms.TextInput),
        (forms.PlainHiddenInput, django_forms.HiddenInput),
    ],
)
@pytest.mark.parametrize("value", [None, "", 'Sara "S" <Janssens> & co', 56])
def test_the_filters_plain_inputs_write_what_djangos_templates_write(plain, django_widget, value):
    attrs = {"type": "search", "placeholder": "l'un & <l'autre>", "required": True, "off": False}
    written = plain(attrs).render("q", value, {"id": "id_q"})
    assert written.startswith('<input type="') and written.count("<") == 1
    assert _tag(written) == _tag(django_widget(attrs).render("q", value, {"id": "id_q"}))


def _tag(html: str) -> tuple[str, dict]:
    """The element and its attributes as a browser reads them (their order aside)."""
    read = []
    parser = HTMLParser()
    parser.handle_starttag = lambda tag, attrs: read.append((tag, dict(attrs)))
    parser.feed(html)
    (tag,) = read
    return tag
