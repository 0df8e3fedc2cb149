"""A family's consent to evaluation decides what leaves the organisation: the evaluators'
report and Evaluation data, pseudonymised exports, the network file and --outside reports.
The organisation's own report counts every family and says how many lack consent."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from parcours.casework.models import Consent
from parcours.casework.services import withdraw_consent
from parcours.instruments.models import Response
from parcours.privacy import keys
from parcours.privacy.audit import Actor
from tests.commands.test_import_cases import HEADER, ROWS, _run
from tests.reports.test_outputs import twelve  # noqa: F401 (fixture)


@pytest.fixture
def withdrawn(twelve, coordinator):  # noqa: F811
    """The first of the twelve withdrew their consent to evaluation today."""
    consent = Consent.objects.get(family=twelve[0], purpose="evaluation")
    withdraw_consent(Actor(coordinator), consent, timezone.localdate())
    return twelve[0]


def _report(client, project):
    return client.get(reverse("reports:cohort"), {"projects": [project.pk]})


def test_evaluators_no_longer_see_a_family_that_withdrew(
    withdrawn, evaluator, coordinator, login, project
):
    reader = login(evaluator)
    page = _report(reader, project)
    report = page.context["report"]
    assert (report["n_sheets"], report["families"]) == (11, 11)
    assert "1 family without consent to evaluation is left out." in page.content.decode()
    listed = reader.get(reverse("reports:sheets")).context["page"].object_list
    assert withdrawn.pk not in {r.family_id for r in listed} and len(listed) == 11
    sheet = Response.objects.get(family=withdrawn)
    assert reader.get(reverse("reports:sheet", args=[sheet.pk])).status_code == 404
    query = {"project": project.pk, "instrument": "client_summary_sheet", "format": "csv"}
    text = reader.get(reverse("reports:sheets"), query).getvalue().decode()
    assert text.count("\nP-") == 11 and withdrawn.pseudonym not in text

    # The organisation's own report counts every family and says who evaluators miss.
    own = _report(login(coordinator), project)
    assert (own.context["report"]["n_sheets"], own.context["report"]["families"]) == (12, 12)
    assert "1 family has no consent to evaluation: counted here" in own.content.decode()


def test_outputs_for_outside_readers_leave_the_family_out(withdrawn, tmp_path, settings):
    out = tmp_path / "sheets.csv"
    call_command(
        "export_responses",
        "--instrument",
        "client_summary_sheet",
        "--project",
        "pt",
        "--pseudonymise",
        "-o",
        str(out),
        stdout=io.StringIO(),
    )
    assert out.read_text().count("\nP-") == 11
    call_command(
        "export_responses", "--instrument", "client_summary_sheet", "--project", "pt",
        "-o", str(out), stdout=io.StringIO(),
    )  # fmt: skip
    assert withdrawn.case_number in out.read_text()  # the organisation's own export

    report = tmp_path / "report.json"
    call_command("report", "--project", "pt", "--format", "json", "--outside", "-o", str(report))
    outside = json.loads(report.read_text())
    assert outside["families"] == 11
    assert outside["selection"]["left_out_without_consent"] == "<5"  # a small count, masked
    call_command("report", "--project", "pt", "--format", "json", "-o", str(report))
    assert json.loads(report.read_text())["families"] == 12

    settings.PARCOURS_NETWORK_KEY = keys.new_key()
    settings.PARCOURS_EXPORT_SECRET = keys.new_key()
    network = tmp_path / "pt.json"
    said = io.StringIO()
    call_command("export_evaluation", "--project", "pt", "-o", str(network), stdout=said)
    assert "11 families" in said.getvalue() and "1 without consent" in said.getvalue()
    assert withdrawn.pseudonym not in network.read_text()


def test_the_consent_form_says_what_evaluation_consent_decides(make_family, case_manager, login):
    family = make_family("active")
    page = login(case_manager).get(reverse("casework:consent_create", args=[family.pk]))
    assert "reach evaluators" in page.content.decode()


def test_import_cases_keeps_the_consent_to_evaluation(tmp_path, coordinator, case_manager):
    header = [*HEADER, "evaluation_consent"]
    rows = [[*row, "2021-02-01"] for row in ROWS]
    _run(tmp_path, rows, header)
    consents = Consent.objects.filter(purpose="evaluation")
    assert consents.count() == len({row[0] for row in ROWS})
    assert {c.given_on for c in consents} == {datetime.date(2021, 2, 1)}
    bad = [[*row, "soon"] for row in ROWS]
    bad[0][0] = "PT-2021-099"
    with pytest.raises(CommandError, match="column evaluation_consent, 'soon': a date"):
        _run(tmp_path, bad, header)
