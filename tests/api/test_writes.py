"""Writes through the API: the page's checks (each wrong field named, nothing saved), the
same services, idempotent POSTs and optimistic locking on PATCH."""

import copy

from parcours.api import examples
from parcours.cases.models import Family, Person
from parcours.casework.models import Action, Contact
from parcours.instruments.models import Response
from parcours.notify.models import Message

REFERRAL = {**copy.deepcopy(examples.REFERRAL.value), "project": "pt"}


def test_a_referral_from_another_system(api, case_manager):
    answer = api(case_manager).post("/api/v1/referrals/", REFERRAL)
    assert answer.status_code == 201, answer.content
    family = Family.objects.get(pk=answer.json()["id"])
    assert answer["Location"] == f"/api/v1/families/{family.pk}/"
    assert family.status == "referred" and list(family.case_managers.all()) == [case_manager]
    assert sorted(p.given_name for p in family.members.all()) == ["Amina", "Yusuf"]
    assert {p.given_name: p.birth_date for p in family.members.all()}["Yusuf"] == "2015"
    assert answer.json()["possible_earlier_files"] == 0


def test_a_referral_again_is_linked_as_the_page_does(api, make_family, case_manager):
    earlier = make_family("declined")
    answer = api(case_manager).post("/api/v1/referrals/", REFERRAL).json()
    assert answer["possible_earlier_files"] == 1
    assert Family.objects.get(pk=answer["id"]).possible_duplicates.get().earlier == earlier


def test_a_bad_referral_names_each_field_and_saves_nothing(api, case_manager):
    body = copy.deepcopy(REFERRAL)
    body["referred_on"] = "2999-01-01"
    body["referring_organisation"] = ""
    body["members"][1]["birth_date"] = "15/07/2015"
    body["members"][0]["nationality"] = "ZZ"
    answer = api(case_manager).post("/api/v1/referrals/", body)
    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/problem+json"
    fields = {e["field"] for e in answer.json()["errors"]}
    assert fields == {
        "referred_on",
        "referring_organisation",
        "members[1].birth_date",
        "members[0].nationality",
    }
    assert not Family.objects.exists() and not Person.objects.exists()


def test_shapes_are_checked_before_the_form(api, case_manager):
    sara = api(case_manager)
    answer = sara.post("/api/v1/referrals/", {**REFERRAL, "members": [], "project": "elsewhere"})
    assert {e["field"] for e in answer.json()["errors"]} == {"members"}
    answer = sara.post("/api/v1/referrals/", {**REFERRAL, "project": "other"})
    assert answer.json()["errors"] == [
        {"field": "project", "detail": "Not one of your projects: other."}
    ]
    assert sara.post("/api/v1/referrals/", [1, 2]).status_code == 400
    garbled = sara.client.post("/api/v1/referrals/", "{not json", content_type="application/json")
    assert garbled.status_code == 400 and garbled["Content-Type"] == "application/problem+json"


def test_an_idempotency_key_replays_the_first_answer(api, case_manager):
    sara = api(case_manager)
    first = sara.post("/api/v1/referrals/", REFERRAL, **{"Idempotency-Key": "k-1"})
    again = sara.post("/api/v1/referrals/", REFERRAL, **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Family.objects.count() == 1
    other = sara.post(
        "/api/v1/referrals/", {**REFERRAL, "phone": "0470"}, **{"Idempotency-Key": "k-1"}
    )
    assert other.status_code == 422 and Family.objects.count() == 1
    # An error is not kept: the same key may be used once the body is right.
    bad = sara.post(
        "/api/v1/referrals/", {**REFERRAL, "referral_route": "?"}, **{"Idempotency-Key": "k-2"}
    )
    assert bad.status_code == 400
    assert (
        sara.post("/api/v1/referrals/", REFERRAL, **{"Idempotency-Key": "k-2"}).status_code == 201
    )


def test_keys_are_per_token(api, case_manager):
    one, two = api(case_manager), api(case_manager, name="two")
    one.post("/api/v1/referrals/", REFERRAL, **{"Idempotency-Key": "same"})
    two.post("/api/v1/referrals/", REFERRAL, **{"Idempotency-Key": "same"})
    assert Family.objects.count() == 2


def test_a_contact_is_logged_through_the_casework_service(api, make_family, case_manager):
    family = make_family("active")
    amina = next(p for p in family.members.all() if p.given_name == "Amina")
    sara = api(case_manager)
    body = {**examples.CONTACT.value, "present": [str(amina.pk)], "note": "Talked about school"}
    answer = sara.post(f"/api/v1/families/{family.pk}/contacts/", body)
    assert answer.status_code == 201, answer.content
    contact = Contact.objects.get(pk=answer.json()["id"])
    assert contact.author == case_manager and list(contact.present.all()) == [amina]
    listed = sara.get(f"/api/v1/families/{family.pk}/contacts/").json()
    assert [c["note"] for c in listed["results"]] == ["Talked about school"]


def test_a_contact_with_a_stranger_present_is_refused(api, make_family, case_manager):
    family, other = make_family("active"), make_family("active")
    stranger = other.members.first()
    answer = api(case_manager).post(
        f"/api/v1/families/{family.pk}/contacts/",
        {**examples.CONTACT.value, "present": [str(stranger.pk)], "on": "2999-01-01"},
    )
    assert answer.status_code == 400
    assert {e["field"] for e in answer.json()["errors"]} == {"present", "on"}
    assert not Contact.objects.exists()


def test_no_contact_on_a_closed_file(api, make_family, case_manager):
    family = make_family("closed")
    answer = api(case_manager).post(
        f"/api/v1/families/{family.pk}/contacts/", examples.CONTACT.value
    )
    assert answer.status_code == 409 and not Contact.objects.exists()


def test_writing_needs_the_write_scope(api, make_family, case_manager):
    family = make_family("active")
    reader = api(case_manager, scopes=["cases:read"])
    answer = reader.post(f"/api/v1/families/{family.pk}/contacts/", examples.CONTACT.value)
    assert answer.status_code == 403 and not Contact.objects.exists()


def test_patch_needs_if_match_and_refuses_a_stale_one(api, make_family, case_manager):
    family = make_family("active")
    action = Action.objects.create(
        family=family, description="Call the lawyer", actor="family", created_by=case_manager
    )
    sara = api(case_manager)
    read = sara.get(f"/api/v1/actions/{action.pk}/")
    etag = read["ETag"]
    assert (
        sara.patch(f"/api/v1/actions/{action.pk}/", examples.ACTION_PATCH.value).status_code == 428
    )
    done = sara.patch(
        f"/api/v1/actions/{action.pk}/", examples.ACTION_PATCH.value, **{"If-Match": etag}
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "done" and done["ETag"] != etag
    action.refresh_from_db()
    assert action.status == "done" and action.completed_on is not None
    stale = sara.patch(f"/api/v1/actions/{action.pk}/", {"description": "x"}, **{"If-Match": etag})
    assert stale.status_code == 412
    action.refresh_from_db()
    assert action.description == "Call the lawyer"


def test_patch_checks_as_the_page_does(api, make_family, case_manager):
    family = make_family("active")
    action = Action.objects.create(
        family=family, description="Call", actor="family", created_by=case_manager
    )
    sara = api(case_manager)
    etag = sara.get(f"/api/v1/actions/{action.pk}/")["ETag"]
    answer = sara.patch(
        f"/api/v1/actions/{action.pk}/", {"status": "dropped"}, **{"If-Match": etag}
    )
    assert answer.status_code == 400
    assert answer.json()["errors"] == [
        {"field": "outcome", "detail": "Say why the action was dropped."}
    ]


def test_another_persons_action_is_404(api, make_family, colleague, case_manager):
    family = make_family("active", by=colleague)
    action = Action.objects.create(
        family=family, description="Call", actor="family", created_by=colleague
    )
    sara = api(case_manager)
    assert sara.get(f"/api/v1/actions/{action.pk}/").status_code == 404
    assert sara.patch(f"/api/v1/actions/{action.pk}/", {}, **{"If-Match": "*"}).status_code == 404


def _sheet(family, **answers):
    body = copy.deepcopy(examples.SHEET.value)
    body.pop("project"), body.pop("case_number")
    body["family"] = str(family.pk)
    body["answers"].update(answers)
    return body


def test_a_sheet_is_submitted_and_a_resend_stores_nothing(api, make_family, case_manager):
    family = make_family("active")
    sara = api(case_manager)
    first = sara.post("/api/v1/sheets/", _sheet(family))
    assert first.status_code == 201, first.content
    again = sara.post("/api/v1/sheets/", _sheet(family))
    assert again.status_code == 200 and again.json() == {**first.json(), "created": False}
    assert Response.objects.filter(family=family, status="submitted").count() == 1
    other = sara.post("/api/v1/sheets/", _sheet(family, b01_dropout_risk=5))
    assert other.status_code == 409


def test_a_bad_sheet_names_each_answer(api, make_family, case_manager):
    family = make_family("active")
    body = _sheet(family, b01_dropout_risk="many", made_up=1)
    answer = api(case_manager).post("/api/v1/sheets/", body)
    assert answer.status_code == 400
    assert [e["field"] for e in answer.json()["errors"]] == ["answers.made_up"]
    del body["answers"]["made_up"], body["answers"]["b02_self_reliance"]
    answer = api(case_manager).post("/api/v1/sheets/", body)
    assert {e["field"] for e in answer.json()["errors"]} == {
        "answers.b01_dropout_risk",
        "answers.b02_self_reliance",
    }
    assert not Response.objects.exists()


def test_sheets_are_read_with_codes_and_labels(api, make_family, case_manager, evaluator):
    from tests.conftest import consent_to_evaluation

    family = make_family("active")
    api(case_manager).post("/api/v1/sheets/", _sheet(family, b01_dropout_risk_why="Worried"))
    page = api(case_manager).get("/api/v1/sheets/", {"instrument": "baseline"}).json()
    (sheet,) = page["results"]
    assert sheet["case_number"] == family.case_number and sheet["family"] == str(family.pk)
    answers = {a["code"]: a["value"] for a in sheet["answers"]}
    assert answers["b01_dropout_risk"] == "2" and answers["b01_dropout_risk_why"] == "Worried"
    # An evaluator: only with consent, pseudonymised, without unreleased free text.
    assert api(evaluator).get("/api/v1/sheets/").json()["results"] == []
    consent_to_evaluation(family, case_manager)
    (seen,) = api(evaluator).get("/api/v1/sheets/").json()["results"]
    assert seen["family"] is None and seen["case_number"] == "" and seen["pseudonym"]
    assert "b01_dropout_risk_why" not in {a["code"] for a in seen["answers"]}
    # Once a coordinator released it, the evaluator reads it.
    from django.utils import timezone

    from parcours.instruments.models import Answer

    Answer.objects.filter(code="b01_dropout_risk_why").update(released_at=timezone.now())
    (seen,) = api(evaluator).get("/api/v1/sheets/").json()["results"]
    assert {a["code"]: a["value"] for a in seen["answers"]}["b01_dropout_risk_why"] == "Worried"


def test_no_event_is_queued_without_a_subscription(api, case_manager):
    api(case_manager).post("/api/v1/referrals/", REFERRAL)
    assert not Message.objects.filter(channel="webhook").exists()
