"""The network page: a member's coordinator makes the signed export in the worker and
downloads it; a network's coordinator loads members' files, checked whole, in the worker."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parcours.accounts.models import User
from parcours.jobs.models import Job, JobStatus
from parcours.network.models import PooledSource
from tests.jobs.test_worker import run_worker
from tests.network.test_pooling import _network_keys, member_projects, network  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def _exported(client, project) -> bytes:
    job_url = client.post(reverse("network:export", args=[project.pk])).url
    run_worker()
    page = client.get(job_url).content.decode()
    assert "13 families, signed for the network." in page, page
    job = Job.objects.filter(kind="network.export").latest("created_at")
    return client.get(reverse("jobs:download", args=[job.pk])).getvalue()


def test_a_member_exports_and_the_network_loads_the_files(
    member_projects,  # noqa: F811
    network,  # noqa: F811
    coordinator,
    project,
    login,
):
    member = login(coordinator)
    assert "Make the export" in member.get(reverse("network:pool")).content.decode()
    data = _exported(member, project)
    assert json.loads(data)["payload"]["project"] == project.name
    nadia = login(User.objects.get(username="nadia"))
    url = nadia.post(
        reverse("network:pool"),
        {"project": network.pk, "files": [SimpleUploadedFile("pt.json", data)]},
    ).url
    run_worker()
    done = nadia.get(url).content.decode()
    assert "Plan Together" in done and "13 families" in done and "(added)" in done
    assert PooledSource.objects.get(project=network).name == project.name
    assert "Plan Together" in nadia.get(reverse("network:pool")).content.decode()


def test_a_changed_file_stops_the_whole_load(member_projects, network, coordinator, project, login):  # noqa: F811
    data = _exported(login(coordinator), project)
    changed = data.replace(b'"admitted": "2026-02"', b'"admitted": "2026-03"', 1)
    nadia = login(User.objects.get(username="nadia"))
    files = [SimpleUploadedFile("a.json", data), SimpleUploadedFile("b.json", changed)]
    url = nadia.post(reverse("network:pool"), {"project": network.pk, "files": files}).url
    run_worker()
    page = nadia.get(url).content.decode()
    assert "Nothing was imported" in page and "b.json: the signature does not match" in page
    assert Job.objects.get(kind="network.import").status == JobStatus.FAILED
    assert not PooledSource.objects.exists()


def test_others_get_404_and_cannot_load_into_a_network(
    network,  # noqa: F811
    case_manager,
    evaluator,
    coordinator,
    login,
):
    assert login(case_manager).get(reverse("network:pool")).status_code == 404
    assert login(evaluator).get(reverse("network:pool")).status_code == 404
    member = login(coordinator)  # coordinates a member project, not the network
    posted = member.post(
        reverse("network:pool"),
        {"project": network.pk, "files": [SimpleUploadedFile("x.json", b"{}")]},
    )
    assert posted.status_code == 200 and not Job.objects.exists()
    other_network_export = reverse("network:export", args=[network.pk])
    assert member.post(other_network_export).status_code == 404
