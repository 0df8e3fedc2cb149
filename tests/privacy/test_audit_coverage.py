"""Every page that shows case data writes an audit row: walked over the URL patterns, so a
new page that reads a family's file without the gate fails here."""

import datetime

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from parcours.instruments.models import InstrumentVersion, Response
from parcours.privacy.models import AuditAction, AuditEvent


def _patterns(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{entry.namespace}:" if entry.namespace else ""
            yield from _patterns(entry, prefix + namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name, entry


@pytest.fixture
def file_of_everything(whole_file, coordinator):
    """The URL arguments of every page of ``whole_file``."""
    from parcours.cases.approvals import request
    from parcours.cases.services import raise_flag
    from parcours.privacy.audit import Actor

    family = whole_file["family"]
    flag = raise_flag(Actor(coordinator), family, family.project.flag_reasons.first())
    family.project.approvals = True
    family.project.save(update_fields=["approvals"])
    approval = request(Actor(coordinator), family, "plan")
    return {
        "pk": whole_file["family"].pk,
        "person_pk": whole_file["person"].pk,
        "action_pk": whole_file["action"].pk,
        "procedure_pk": whole_file["procedure"].pk,
        "document_pk": whole_file["document"].pk,
        "response_pk": whole_file["response"].pk,
        "consent_pk": whole_file["consent"].pk,
        "referral_pk": whole_file["referral"].pk,
        "flag_pk": flag.pk,
        "approval_pk": approval.pk,
        "kind": "closure",
        "code": "baseline",
        "name": "consent",  # one folded section of the family page (each: test_family_sections)
        "family": whole_file["family"],
    }


# Pages of a family that only accept POST (their writes are audited by the services), or that
# serve a file whose own read is audited by its service.
POST_ONLY_OR_FILE = {
    "cases:step",
    "cases:refer_again",
    "cases:earlier_file_decision",
    "casework:action_done",
    "instruments:correct",
    "legal:document_file",
    "legal:pdf",
}

# Pages whose ``pk`` names no part of a family's file: a project's webhook, a person's token.
NOT_A_FAMILY = {"api:webhook", "api:webhook_detail", "api:revoke_token"}


def test_every_family_page_is_audited(file_of_everything, coordinator, login):
    """The API's pages are walked too, with a token of the same coordinator."""
    from parcours.api import tokens
    from parcours.privacy.audit import Actor

    client = login(coordinator)
    _token, secret = tokens.issue(Actor(coordinator), coordinator, "audit walk", None, None)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    family = file_of_everything["family"]
    walked = []
    for name, pattern in _patterns():
        keys = set(pattern.pattern.converters)
        if (
            "pk" not in keys
            or name in POST_ONLY_OR_FILE | NOT_A_FAMILY
            or name.startswith("admin:")
        ):
            continue
        unknown = keys - set(file_of_everything)
        assert not unknown, f"{name}: add an object for {unknown} to this test"
        kwargs = {k: file_of_everything[k] for k in keys}
        if name == "api:action":  # the API names an action by its own id alone
            kwargs["pk"] = file_of_everything["action_pk"]
        url = reverse(name, kwargs=kwargs)
        before = AuditEvent.objects.filter(family_id=family.pk, user=coordinator).count()
        response = (api if name.startswith("api:") else client).get(url)
        if response.status_code == 405:
            continue
        assert response.status_code in (200, 302), f"{name}: {response.status_code}"
        rows = AuditEvent.objects.filter(family_id=family.pk, user=coordinator)
        assert rows.count() > before, f"{name} ({url}) showed the file without an audit row"
        # The API's rows also name the token: "api:family token 3 pct_abcd".
        assert rows.order_by("-id").first().page.split(" token ")[0] == name
        walked.append(name)
    assert len(walked) >= 20


def test_lists_record_which_families_they_showed_never_the_search(
    make_family, coordinator, case_manager, login
):
    shown = make_family("active")
    client = login(coordinator)
    client.post(reverse("cases:list"), {"q": "Haddad"})
    row = AuditEvent.objects.filter(action=AuditAction.LIST, page="cases:list").get()
    assert row.family_id == shown.pk
    assert "Haddad" not in " ".join(str(v) for v in AuditEvent.objects.values_list())
    login(case_manager).get(reverse("cases:caseload"))
    assert AuditEvent.objects.filter(action="list", page="cases:caseload").count() == 1
    login(case_manager).get(reverse("casework:my_week"))
    assert AuditEvent.objects.filter(
        action="list", page="casework:my_week", family_id=shown.pk
    ).exists()


def test_the_report_records_the_families_whose_free_text_it_shows(
    make_family, coordinator, login, project
):
    from parcours.cases import figures
    from parcours.instruments.models import Answer

    family = make_family("active")
    response = Response.objects.create(
        family=family,
        instrument="client_summary_sheet",
        version=InstrumentVersion.objects.active("client_summary_sheet"),
        status="submitted",
        author=coordinator,
        submitted_at=datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC),
    )
    Answer.objects.create(response=response, code="c1_barriers", text="housing first")
    figures.refresh([family.pk])  # as the services that store sheets do
    page = login(coordinator).get(reverse("reports:cohort"), {"projects": [project.pk]})
    assert "housing first" in page.content.decode()
    assert AuditEvent.objects.filter(
        action="list", page="reports:cohort", family_id=family.pk
    ).exists()
