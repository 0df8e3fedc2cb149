"""A coordinator names a round and reads its report, then releases a barrier to the evaluator,
who finds it under a pseudonym."""

import pytest
from playwright.sync_api import expect

from parcours.instruments.models import Answer, Response
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.reports.test_outputs import twelve  # noqa: F401 (fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

BARRIER = "The family waited four months for an appointment."


def test_round_report_and_release_to_the_evaluator(
    live_server,
    new_page,
    twelve,  # noqa: F811
    coordinator,
    evaluator,
):
    sheet = Response.objects.filter(family=twelve[0]).get()
    Answer.objects.create(response=sheet, code="c2_barriers", text=BARRIER)
    boss = new_page()
    sign_in(boss, live_server.url, "marie", PASSWORD)
    boss.goto(live_server.url + "/reports/rounds/")
    boss.get_by_label("Name").fill("Evaluation 2026")
    boss.get_by_label("First day").fill("2026-01-01")
    boss.get_by_label("Last day").fill("2026-12-31")
    boss.get_by_role("button", name="Save the round").click()
    expect(boss.locator(".messages")).to_contain_text("Evaluation 2026")

    boss.goto(live_server.url + "/reports/")
    boss.get_by_label("Evaluation round").select_option(label="Evaluation 2026")
    boss.get_by_role("button", name="Show").click()
    expect(boss.get_by_text("12 sheets for 12 families in the cohort.")).to_be_visible()
    expect(boss.get_by_text("Round “Evaluation 2026”")).to_be_visible()

    boss.goto(live_server.url + f"/reports/sheets/{sheet.pk}/")
    row = boss.get_by_role("row").filter(has_text=BARRIER)
    row.get_by_role("button", name="Release to evaluators").click()
    expect(boss.locator(".messages")).to_contain_text("Released to evaluators")

    reader = new_page()
    sign_in(reader, live_server.url, "eiri", PASSWORD)
    reader.get_by_role("link", name="Evaluation data").click()
    expect(reader.get_by_role("cell", name=twelve[0].case_number)).to_have_count(0)
    reader.goto(live_server.url + f"/reports/sheets/{sheet.pk}/")
    expect(reader.get_by_text(BARRIER)).to_be_visible()
    expect(reader.get_by_role("button", name="Release to evaluators")).to_have_count(0)
