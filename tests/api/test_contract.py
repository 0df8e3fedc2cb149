"""The contract: the served OpenAPI document is the committed one (docs/api/openapi.json), every
example body in it is accepted as it is, and schemathesis finds no server error, no answer
outside the schema and no way past authentication or the gate, with a token per role."""

import json
from pathlib import Path

import pytest

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.json"


def served(client) -> dict:
    answer = client.get("/api/v1/schema/?format=json", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 200
    return json.loads(answer.content)


def test_the_served_document_is_the_committed_one(client):
    """When this fails: `parcours spectacular --format openapi-json --lang en --file
    docs/api/openapi.json`, and say in docs/api.md what changed for clients."""
    assert served(client) == json.loads(DOCUMENT.read_text())


def test_every_operation_says_its_scope_errors_and_examples(client):
    document = served(client)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert "x-required-scope" in operation, (method, path)
            assert "401" in operation["responses"], (method, path)
            body = operation.get("requestBody")
            if body:
                content = body["content"]["application/json"]
                assert content.get("examples"), f"{method} {path} has no example body"


def test_the_documentation_page_is_served_from_our_own_files(client):
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html and "cdn" not in html.lower() and "https://" not in html
    # The site's CSP allows no inline style or script: both come from our static files.
    assert "<style" not in html and "<script>" not in html
    assert "parcours/api-docs" in html


@pytest.fixture
def demo_like(db, project, make_family, case_manager, coordinator):
    """The example bodies name the demo's project and its file PT-2026-001."""
    from parcours.projects.models import Project

    Project.objects.filter(pk=project.pk).update(slug="demo")
    family = make_family("active")
    family.case_number = "PT-2026-001"
    family.save(update_fields=["case_number"])
    return family


def test_every_example_body_is_accepted_as_it_is(client, api, demo_like, coordinator):
    from parcours.casework.models import Action

    document = served(client)
    action = Action.objects.create(
        family=demo_like, description="Call", actor="family", created_by=coordinator
    )
    marie = api(coordinator)
    concrete = {"{id}": str(demo_like.pk)}
    sent = 0
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody")
            if not body:
                continue
            url = path
            if path.startswith("/api/v1/actions/"):
                url = path.replace("{id}", str(action.pk))
            for name, value in concrete.items():
                url = url.replace(name, value)
            for example in body["content"]["application/json"]["examples"].values():
                headers = {}
                if method == "patch":
                    headers["If-Match"] = marie.get(url)["ETag"]
                answer = getattr(marie, method)(url, example["value"], **headers)
                assert 200 <= answer.status_code < 300, (method, path, answer.content)
                sent += 1
    assert sent == 5
