"""The Python examples of docs/api.md, run as they are against a live server: a newcomer who
copies them pulls sheets into a CSV, refers a family and verifies a webhook."""

import csv
import http.server
import re
import threading
from pathlib import Path

import pytest

from parcours.api import examples
from parcours.cases.models import Family
from parcours.notify import outbox, webhooks
from parcours.notify.models import DeliveryAttempt
from parcours.privacy.audit import Actor

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"

pytestmark = pytest.mark.xdist_group("live")


def example(name: str) -> str:
    """The ```python block that follows ``<!-- example: name -->`` in docs/api.md."""
    found = re.search(rf"<!-- example: {name} -->\n```python\n(.*?)```", DOC.read_text(), re.S)
    assert found, f"docs/api.md has no example {name!r}"
    return found.group(1)


def run(name: str, **names) -> dict:
    namespace = {"__name__": f"docs_example_{name}", **names}
    exec(compile(example(name), f"docs/api.md:{name}", "exec"), namespace)  # noqa: S102
    return namespace


@pytest.fixture
def demo(live_server, monkeypatch, project, make_family):
    """The demo's names, and the environment the examples read."""
    from parcours.projects.models import Project

    Project.objects.filter(pk=project.pk).update(slug="demo")
    family = make_family("active")
    family.case_number = "PT-2026-001"
    family.save(update_fields=["case_number"])
    monkeypatch.setenv("PARCOURS_URL", live_server.url)
    return family


def test_sheets_since_a_date_into_a_csv(demo, api, case_manager, tmp_path, monkeypatch):
    stored = api(case_manager).post("/api/v1/sheets/", examples.SHEET.value)
    assert stored.status_code == 201, stored.content
    monkeypatch.setenv("PARCOURS_TOKEN", api(case_manager, ["sheets:read"]).secret)
    monkeypatch.chdir(tmp_path)
    run("sheets-to-csv")
    rows = list(csv.DictReader((tmp_path / "sheets.csv").open(encoding="utf-8")))
    assert len(rows) == 1
    assert rows[0]["case_number"] == "PT-2026-001"
    assert rows[0]["b01_dropout_risk"] == "2"
    assert rows[0]["b14_detention_risk"] == "3"


def test_a_referral_from_another_system_is_made_once(demo, api, case_manager, capsys, monkeypatch):
    monkeypatch.setenv("PARCOURS_TOKEN", api(case_manager, ["casework:write"]).secret)
    run("referral")
    run("referral")  # sent again after a lost answer: the same key creates nothing
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == printed[1]
    made = Family.objects.get(pk=printed[0].removeprefix("referred: "))
    assert made.project.slug == "demo"
    assert made.members.count() == 2
    assert Family.objects.filter(project__slug="demo").count() == 2


def test_the_receiver_verifies_a_real_delivery(demo, monkeypatch, coordinator, make_family):
    names = run("verify")
    receiver_code = run("receiver", verify=names["verify"])
    server = http.server.HTTPServer(("127.0.0.1", 0), receiver_code["Receiver"])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        hook, secret = webhooks.subscribe(
            Actor(coordinator),
            demo.project,
            f"http://127.0.0.1:{server.server_port}/",
            ["family.admitted"],
        )
        monkeypatch.setenv("PARCOURS_WEBHOOK_SECRET", secret)
        make_family("active")
        assert outbox.deliver_due("docs")["sent"] == 1
        assert DeliveryAttempt.objects.get(message__webhook=hook).status_code == 204

        # Another secret: the same receiver refuses the same kind of delivery.
        monkeypatch.setenv("PARCOURS_WEBHOOK_SECRET", "whsec_" + "A" * 32)
        make_family("active")
        outbox.deliver_due("docs")
        codes = DeliveryAttempt.objects.filter(message__webhook=hook).values_list(
            "status_code", flat=True
        )
        assert sorted(codes) == [204, 401]
    finally:
        server.shutdown()
