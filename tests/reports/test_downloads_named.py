"""Downloads are named for what they hold: project, round or period, what, and the day."""

import datetime

from django.urls import reverse
from django.utils import timezone

from parcours.reports.models import Round


def test_a_report_file_is_named_for_its_project_and_round(make_family, coordinator, login, project):
    make_family("active")
    chosen = Round.objects.create(
        project=project,
        name="2025-H1",
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 6, 30),
        created_by=coordinator,
    )
    response = login(coordinator).get(
        reverse("reports:cohort"),
        {"projects": [project.pk], "round": chosen.pk, "format": "xlsx"},
    )
    today = timezone.localdate().isoformat()
    expected = f'attachment; filename="plan-together_2025-h1_cohort_{today}.xlsx"'
    assert response["Content-Disposition"] == expected


def test_the_dossier_for_a_lawyer_is_named_for_its_case(whole_file, case_manager, login):
    from parcours.casework.models import Consent

    family, lawyer = whole_file["family"], whole_file["provider"]
    Consent.objects.filter(family=family).update(given_on=datetime.date(2026, 1, 1))
    response = login(case_manager).post(
        reverse("legal:pdf", args=[family.pk]), {"lawyer": lawyer.pk}
    )
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="{family.case_number.lower()}_dossier_{today}.pdf"'
    )
