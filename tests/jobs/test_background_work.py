"""Past PARCOURS_BACKGROUND_ROWS, the import page, the sheet downloads and the report files go
to the worker: the page follows the job, and the outcome is what the request would have made."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from parcours.instruments.models import Response
from parcours.jobs.models import Job, JobStatus
from parcours.privacy.models import AuditEvent
from tests.instruments.test_real_exports import _kobo_css, _write, three  # noqa: F401
from tests.jobs.test_worker import run_worker
from tests.reports.test_outputs import twelve  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _small_threshold(settings):
    settings.PARCOURS_BACKGROUND_ROWS = 2


def _import(client, project, data, name="kobo.csv"):
    return client.post(
        reverse("instruments:import"),
        {
            "project": project.pk,
            "instrument": "client_summary_sheet",
            "file": SimpleUploadedFile(name, data),
        },
    )


def test_a_large_import_is_checked_and_stored_by_the_worker(three, coordinator, login, project):  # noqa: F811
    client = login(coordinator)
    response = _import(client, project, _kobo_css(three))
    job = Job.objects.get()
    assert response.url == reverse("jobs:job", args=[job.pk])
    assert not Response.objects.exists()  # nothing until the worker has run it
    run_worker()
    page = client.get(response.url).content.decode()
    assert "Imported 3 sheet(s)" in page and "Columns not imported" in page
    assert Response.objects.count() == 3
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.input_key == ""
    assert AuditEvent.objects.filter(user=coordinator, action="create").count() == 3


def test_a_bad_large_import_fails_naming_the_rows_and_imports_nothing(
    make_family, coordinator, login, project
):
    rows = [["case", "p02_age"]] + [["PT-1999-999", "1"]] * 4
    client = login(coordinator)
    url = _import(client, project, _write(rows), "s.csv").url
    run_worker()
    page = client.get(url).content.decode()
    assert "did not go through" in page and "row 2, column case" in page and "PT-1999-999" in page
    assert not Response.objects.exists()


def test_a_second_import_into_a_project_waits_for_the_first(three, coordinator, login, project):  # noqa: F811
    client = login(coordinator)
    first = _import(client, project, _kobo_css(three)).url
    second = _import(client, project, _kobo_css(three))
    assert second.url == first and Job.objects.count() == 1
    messages = client.get(second.url).content.decode()
    assert "still running: this file was not imported" in messages


def test_a_large_sheet_export_is_written_by_the_worker(twelve, evaluator, outsider, login, project):  # noqa: F811
    query = {"project": project.pk, "instrument": "client_summary_sheet", "format": "csv"}
    client = login(evaluator)
    url = client.get(reverse("reports:sheets"), query).url
    assert login(outsider).get(url).status_code == 404
    run_worker()
    assert not AuditEvent.objects.filter(action="export").exists()  # not yet downloaded
    job = Job.objects.get()
    text = client.get(reverse("jobs:download", args=[job.pk])).getvalue().decode()
    assert text.count("\nP-") == 12 and "cm_trust" in text.splitlines()[0]
    assert AuditEvent.objects.filter(user=evaluator, action="export").count() == 1


def test_a_large_report_file_is_made_by_the_worker(twelve, coordinator, login, project):  # noqa: F811
    client = login(coordinator)
    params = {"projects": [project.pk], "format": "xlsx"}
    url = client.get(reverse("reports:cohort"), params).url
    run_worker()
    today = timezone.localdate().isoformat()
    assert f"plan-together_cohort_{today}.xlsx" in client.get(url).content.decode()
    job = Job.objects.get()
    book = load_workbook(io.BytesIO(client.get(reverse("jobs:download", args=[job.pk])).getvalue()))
    assert book["data"].max_row > 10
    # The same file on screen stays a request: the page is its own output.
    assert client.get(reverse("reports:cohort"), {"projects": [project.pk]}).status_code == 200
