"""Webhooks through the API: coordinators only, the secret once, private addresses refused
in production."""

from parcours.api import examples
from parcours.notify.models import Webhook


def test_a_coordinator_subscribes_and_gets_the_secret_once(api, coordinator):
    marie = api(coordinator)
    body = {**examples.WEBHOOK.value, "project": "pt"}
    made = marie.post("/api/v1/webhooks/", body)
    assert made.status_code == 201, made.content
    assert made.json()["secret"].startswith("whsec_")
    listed = marie.get("/api/v1/webhooks/").json()
    assert [h["url"] for h in listed] == [body["url"]] and "secret" not in listed[0]
    one = marie.get(f"/api/v1/webhooks/{made.json()['id']}/")
    assert one.status_code == 200 and "secret" not in one.json()
    assert marie.delete(f"/api/v1/webhooks/{made.json()['id']}/").status_code == 204
    assert not Webhook.objects.exists()


def test_a_case_manager_and_an_outsider_cannot(api, case_manager, outsider, coordinator):
    body = {**examples.WEBHOOK.value, "project": "pt"}
    assert (
        api(case_manager, scopes=["cases:read"]).post("/api/v1/webhooks/", body).status_code == 403
    )
    refused = api(outsider).post("/api/v1/webhooks/", body)
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "project"
    hook = api(coordinator).post("/api/v1/webhooks/", body).json()
    assert api(outsider).get(f"/api/v1/webhooks/{hook['id']}/").status_code == 404
    assert api(outsider).delete(f"/api/v1/webhooks/{hook['id']}/").status_code == 404


def test_production_refuses_a_loopback_address(settings, api, coordinator):
    settings.PARCOURS_WEBHOOKS_LOCAL = False
    body = {**examples.WEBHOOK.value, "project": "pt", "url": "https://127.0.0.1/hook"}
    answer = api(coordinator).post("/api/v1/webhooks/", body)
    assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "url"
    assert not Webhook.objects.exists()


def test_unknown_events_are_named(api, coordinator):
    body = {**examples.WEBHOOK.value, "project": "pt", "events": ["family.vanished"]}
    answer = api(coordinator).post("/api/v1/webhooks/", body)
    assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "events[0]"


def test_the_page_subscribes_and_shows_deliveries(login, coordinator, case_manager):
    client = login(coordinator)
    made = client.post(
        "/webhooks/",
        {
            "project": coordinator.memberships.get().project_id,
            "url": "https://warehouse.example.org/in",
            "events": ["family.closed"],
            "deadline_days": "7",
        },
    )
    assert made.status_code == 200 and made.context["secret"].startswith("whsec_")
    hook = Webhook.objects.get()
    assert client.get(f"/webhooks/{hook.pk}/").status_code == 200
    assert login(case_manager).get(f"/webhooks/{hook.pk}/").status_code == 404
    assert login(case_manager).get("/webhooks/").status_code == 404
