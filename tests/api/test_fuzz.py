"""Schemathesis against the live test server, from the committed OpenAPI document (the same as
the served one: test_contract), with a token of a case manager, a coordinator and an evaluator
on every operation: no server error, every answer as the document says (status, content type,
body, headers), authentication never ignored, nothing of another project reached."""

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from parcours.api import tokens
from parcours.cases.models import Family
from parcours.privacy.audit import Actor

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.json"
schema = schemathesis.openapi.from_path(DOCUMENT)

pytestmark = pytest.mark.xdist_group("live")


@pytest.fixture
def role_tokens(live_server, make_family, project, case_manager, coordinator, evaluator, outsider):
    """The demo's names, so the document's examples are sent as they are too."""
    project.slug = "demo"
    project.save(update_fields=["slug"])
    family = make_family("active")
    family.case_number = "PT-2026-001"
    family.save(update_fields=["case_number"])
    make_family("referred")
    hidden = make_family("referred", project=outsider.memberships.get().project, by=outsider)
    made = {}
    for user in (case_manager, coordinator, evaluator):
        _token, secret = tokens.issue(Actor(user), user, "fuzz")
        made[user.username] = secret
    return live_server.url, made, hidden


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_its_contract(case, role_tokens):
    base, made, hidden = role_tokens
    for secret in made.values():
        case.call_and_validate(
            base_url=base,
            headers={"Authorization": f"Bearer {secret}", "Accept-Language": "en"},
            # Data the schema allows may still be refused by a rule of the domain (a date in
            # the future, a project that is not the token's): 400 naming the field is right.
            excluded_checks=[positive_data_acceptance],
        )
    # Nothing a generated request does reaches the outsider's family.
    assert Family.objects.get(pk=hidden.pk).version == hidden.version
