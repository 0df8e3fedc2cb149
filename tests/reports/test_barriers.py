"""The barriers named on the report page: the first of each cluster with their count and a
link; the rest on a paged, searchable list under the report's own rule for who reads what;
the files keep them all. Only the families whose text a page shows are audited as listed."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.cases import figures
from parcours.cases.choices import FamilyStatus
from parcours.instruments.models import Answer, Response
from parcours.privacy.models import AuditEvent
from parcours.reports import views
from parcours.reports.cohort import BARRIERS_SHOWN
from tests.reports.test_outputs import twelve  # noqa: F401 (fixture)


@pytest.fixture
def named(twelve):  # noqa: F811
    """A cluster-1 barrier on each of the twelve sheets, the ninth in French with accents."""
    texts = {}
    for i, family in enumerate(twelve):
        text = "Méfiance envers l'avocat" if i == 8 else f"Barrier number {i:02d}"
        response = Response.objects.get(family=family)
        Answer.objects.create(response=response, code="c1_barriers", text=text)
        texts[family.pk] = text
    return texts


def _listed(user):
    return set(
        AuditEvent.objects.filter(user=user, action="list").values_list("family_id", flat=True)
    )


def test_the_page_shows_the_first_barriers_and_links_to_all(named, coordinator, login, project):
    client = login(coordinator)
    reply = client.get(reverse("reports:cohort"), {"projects": [project.pk]})
    report = reply.context["report"]
    assert len(report["barriers"]["cluster1"]) == BARRIERS_SHOWN < 12
    assert report["barriers_named"] == {"cluster1": 12, "cluster2": 0, "cluster3": 0}
    html = reply.content.decode()
    assert "All 12 barriers, page by page" in html
    assert f"{reverse('reports:barriers')}?projects={project.pk}&amp;cluster=cluster1" in html
    # Only the ten shown were read.
    shown = [pk for pk, text in named.items() if text in report["barriers"]["cluster1"]]
    assert _listed(coordinator) == set(shown) and len(shown) == BARRIERS_SHOWN


def test_the_files_keep_every_barrier(named, coordinator, login, project):
    reply = login(coordinator).get(
        reverse("reports:cohort"), {"projects": [project.pk], "format": "json"}
    )
    data = json.loads(reply.content)
    assert sorted(data["barriers"]["cluster1"]) == sorted(named.values())
    assert data["barriers_named"]["cluster1"] == 12
    assert _listed(coordinator) == set(named)


def test_the_list_pages_and_searches_folding_case_and_accents(
    named, coordinator, login, project, monkeypatch
):
    monkeypatch.setattr(views, "BARRIERS_PER_PAGE", 5)
    client = login(coordinator)
    url = reverse("reports:barriers")
    first = client.get(url, {"projects": [project.pk], "cluster": "cluster1"})
    html = first.content.decode()
    assert first.status_code == 200 and "Page 1 of 3" in html
    assert "12 barriers named in the sheets this report counts." in html
    assert [t for _f, t in first.context["page"].object_list] == list(named.values())[:5]
    assert _listed(coordinator) == set(list(named)[:5])
    last = client.get(url, {"projects": [project.pk], "cluster": "cluster1", "page": 3})
    assert [t for _f, t in last.context["page"].object_list] == list(named.values())[10:]
    found = client.get(url, {"projects": [project.pk], "cluster": "cluster1", "q": "MEFIANCE"})
    assert [t for _f, t in found.context["page"].object_list] == ["Méfiance envers l'avocat"]
    assert "1 barrier holds “MEFIANCE”." in found.content.decode()
    none = client.get(url, {"projects": [project.pk], "cluster": "cluster1", "q": "lawyer"})
    assert "0 barriers hold “lawyer”." in none.content.decode()


def test_the_list_follows_the_report_choices(named, twelve, coordinator, login, project):  # noqa: F811
    """A family closed is out of a report of active families, and out of its barriers."""
    twelve[0].status = FamilyStatus.CLOSED
    twelve[0].closed_on = timezone.localdate()
    twelve[0].save()
    figures.refresh([twelve[0].pk])  # as the closing step does, in its transaction
    reply = login(coordinator).get(
        reverse("reports:barriers"),
        {"projects": [project.pk], "statuses": ["active"], "cluster": "cluster1"},
    )
    texts = [t for _f, t in reply.context["page"].object_list]
    assert len(texts) == 11 and named[twelve[0].pk] not in texts


def test_an_evaluator_reads_only_released_barriers(named, twelve, evaluator, login, project):  # noqa: F811
    Answer.objects.filter(response__family=twelve[3], code="c1_barriers").update(
        released_at=timezone.now()
    )
    client = login(evaluator)
    reply = client.get(
        reverse("reports:barriers"), {"projects": [project.pk], "cluster": "cluster1"}
    )
    assert [t for _f, t in reply.context["page"].object_list] == [named[twelve[3].pk]]
    assert _listed(evaluator) == {twelve[3].pk}


@pytest.mark.parametrize("who", ["case_manager", "outsider"])
def test_others_get_404(request, who, named, login, project):
    client = login(request.getfixturevalue(who))
    reply = client.get(
        reverse("reports:barriers"), {"projects": [project.pk], "cluster": "cluster1"}
    )
    # The outsider coordinates another project: this one is not theirs to choose.
    assert reply.status_code in (404, 302)
    assert not any(text in reply.content.decode() for text in named.values())
    assert not AuditEvent.objects.filter(action="list").exists()


def test_an_unknown_cluster_is_404_and_a_bad_choice_goes_back_to_the_report(
    named, coordinator, login, project
):
    client = login(coordinator)
    url = reverse("reports:barriers")
    assert client.get(url, {"projects": [project.pk], "cluster": "c1_barriers"}).status_code == 404
    back = client.get(url, {"projects": [project.pk], "cluster": "cluster1", "period_from": "x"})
    assert back.status_code == 302 and back["Location"].startswith(reverse("reports:cohort"))
    assert "cluster" not in back["Location"]
