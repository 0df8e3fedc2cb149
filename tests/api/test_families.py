"""Families through the API: the same gate as the pages (another person's family is 404),
one audit row per family read or listed, cursor pages and filters."""

from parcours.cases.models import Family
from parcours.privacy.models import AuditAction, AuditEvent


def test_a_case_manager_lists_only_their_families(api, make_family, case_manager, colleague):
    mine = make_family("active")
    theirs = make_family("active", by=colleague)
    page = api(case_manager).get("/api/v1/families/").json()
    assert [f["id"] for f in page["results"]] == [str(mine.pk)]
    assert page["next"] is None
    assert {"id", "case_number", "status"} <= set(page["results"][0])
    assert str(theirs.pk) not in str(page)


def test_another_persons_family_is_404_as_on_the_pages(api, make_family, colleague, case_manager):
    theirs = make_family("active", by=colleague)
    for path in (
        f"/api/v1/families/{theirs.pk}/",
        f"/api/v1/families/{theirs.pk}/contacts/",
        f"/api/v1/families/{theirs.pk}/actions/",
    ):
        answer = api(case_manager).get(path)
        assert answer.status_code == 404, path
        assert answer.json() == {
            "type": "about:blank",
            "title": "Not found",
            "status": 404,
            "detail": "Not found.",
        }


def test_an_address_that_is_no_resource_is_a_problem_not_a_page(api, case_manager):
    """Found by the fuzzer: a newline in an id slipped past the API's own 404."""
    for path in ("/api/v1/actions/%0A/", "/api/v1/nowhere/", "/api/v1/families/a%0Ab/"):
        answer = api(case_manager).get(path)
        assert answer.status_code == 404, path
        assert answer["Content-Type"] == "application/problem+json", path


def test_an_outsider_coordinator_sees_nothing(api, make_family, outsider):
    family = make_family("active")
    assert api(outsider).get("/api/v1/families/").json()["results"] == []
    assert api(outsider).get(f"/api/v1/families/{family.pk}/").status_code == 404


def test_the_detail_carries_the_household_and_an_etag(api, make_family, case_manager):
    family = make_family("active")
    answer = api(case_manager).get(f"/api/v1/families/{family.pk}/")
    body = answer.json()
    assert answer["ETag"] == f'"v{family.version}"'
    assert [m["given_name"] for m in body["members"]] == ["Amina", "Yusuf"]
    assert body["members"][0]["birth_date"] == "1985-03-02"
    assert body["case_managers"] == [{"id": case_manager.pk, "username": "sara"}]


def test_reads_are_audited_one_row_per_family_naming_endpoint_and_token(
    api, make_family, coordinator
):
    families = [make_family("active") for _ in range(3)]
    marie = api(coordinator)
    before = AuditEvent.objects.count()
    marie.get("/api/v1/families/")
    rows = AuditEvent.objects.order_by("id")[before:]
    assert sorted(r.family_id for r in rows if r.action == AuditAction.LIST) == sorted(
        f.pk for f in families
    )
    listed = [r for r in rows if r.action == AuditAction.LIST]
    assert all(
        r.page == f"api:families token {marie.token.pk} {marie.token.prefix}" for r in listed
    )
    marie.get(f"/api/v1/families/{families[0].pk}/")
    read = AuditEvent.objects.order_by("-id").first()
    assert (read.action, read.family_id, read.page.split()[0]) == (
        AuditAction.VIEW,
        families[0].pk,
        "api:family",
    )


def test_cursor_pages_walk_every_family_once(api, make_family, coordinator):
    made = {make_family("referred").pk for _ in range(5)}
    marie, seen, url = api(coordinator), [], "/api/v1/families/?page_size=2"
    while url:
        page = marie.get(url).json()
        assert len(page["results"]) <= 2
        seen += [f["id"] for f in page["results"]]
        url = page["next"]
    assert sorted(seen) == sorted(str(pk) for pk in made)


def test_filters(api, make_family, coordinator, colleague):
    active = make_family("active")
    referred = make_family("referred", by=colleague)
    marie = api(coordinator)

    def ids(**query):
        return {f["id"] for f in marie.get("/api/v1/families/", query).json()["results"]}

    assert ids(status="active") == {str(active.pk)}
    assert ids(case_manager="youssef") == {str(referred.pk)}
    assert ids(case_number=active.case_number) == {str(active.pk)}
    assert ids(project="pt") == {str(active.pk), str(referred.pk)}
    assert ids(updated_since="2099-01-01T00:00:00Z") == set()
    assert ids(name="Amina Hadad") == {str(active.pk), str(referred.pk)}  # by sound


def test_a_bad_filter_is_400_naming_it(api, coordinator):
    answer = api(coordinator).get("/api/v1/families/", {"status": "lost", "page_size": "900"})
    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/problem+json"
    fields = {e["field"] for e in answer.json()["errors"]}
    assert fields == {"status", "page_size"}


def test_projects_list_the_owners_roles(api, evaluator):
    assert api(evaluator).get("/api/v1/projects/").json() == [
        {"slug": "pt", "name": "Plan Together", "role": "evaluator"}
    ]


def test_an_evaluator_token_reads_no_family(api, make_family, evaluator):
    make_family("active")
    assert api(evaluator).get("/api/v1/families/").status_code == 403
    assert Family.objects.count() == 1


def test_the_list_rows_are_what_the_document_says(make_family):
    """The list builds its rows without DRF's serializer (for speed): the same JSON."""
    from rest_framework.renderers import JSONRenderer

    from parcours.api.serializers import FamilyListSerializer
    from parcours.api.views import LIST_COLUMNS, family_row

    for family in (make_family("referred"), make_family("closed")):
        row = Family.objects.values(*LIST_COLUMNS).get(pk=family.pk)
        family = Family.objects.select_related("project").get(pk=family.pk)
        assert JSONRenderer().render(family_row(row)) == JSONRenderer().render(
            FamilyListSerializer(family).data
        )
