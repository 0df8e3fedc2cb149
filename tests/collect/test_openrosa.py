"""Parcours as ODK Collect's server: forms listed and fetched, the caseload as a media file,
sheets sent, resent and edited, all over real HTTP; and every refusal a phone can meet."""

import csv
import hashlib
import io
import uuid

import pytest

from parcours.collect import services
from parcours.collect.models import DeviceToken
from parcours.instruments.models import Response, ResponseStatus
from parcours.privacy.audit import Actor
from parcours.privacy.models import AuditAction, AuditEvent
from tests.collect.conftest import Collect, filled, sheet_xml

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("openrosa")]
FORMS = "{http://openrosa.org/xforms/xformsList}"
MANIFEST = "{http://openrosa.org/xforms/xformsManifest}"


def test_collect_fetches_the_forms_and_the_caseload(phone, make_family, colleague):
    mine = make_family("active")
    theirs = make_family("active", by=colleague)

    listing = phone.request("/formList")
    assert phone.challenged, "the first request, without credentials, must be challenged"
    assert listing.status == 200
    assert listing.headers["X-OpenRosa-Version"] == "1.0"
    forms = {f.findtext(f"{FORMS}formID"): f for f in listing.xml().iter(f"{FORMS}xform")}
    assert set(forms) == {"baseline", "client_summary_sheet", "case_study", "contact"}

    baseline = forms["baseline"]
    xform = phone.request(baseline.findtext(f"{FORMS}downloadUrl"))
    assert xform.status == 200
    digest = "md5:" + hashlib.md5(xform.body, usedforsecurity=False).hexdigest()
    assert baseline.findtext(f"{FORMS}hash") == digest
    assert b'src="jr://file-csv/caseload.csv"' in xform.body
    assert f'version="{baseline.findtext(f"{FORMS}version")}"'.encode() in xform.body

    manifest = phone.request(baseline.findtext(f"{FORMS}manifestUrl")).xml()
    media = manifest.find(f"{MANIFEST}mediaFile")
    assert media.findtext(f"{MANIFEST}filename") == "caseload.csv"
    caseload = phone.request(media.findtext(f"{MANIFEST}downloadUrl"))
    assert media.findtext(f"{MANIFEST}hash") == (
        "md5:" + hashlib.md5(caseload.body, usedforsecurity=False).hexdigest()
    )
    rows = list(csv.DictReader(io.StringIO(caseload.body.decode())))
    assert rows == [{"name": mine.case_number, "label": mine.case_number}]
    assert theirs.case_number not in caseload.body.decode()
    assert b"Haddad" not in caseload.body and b"Amina" not in caseload.body
    listed = AuditEvent.objects.filter(action=AuditAction.LIST, page="collect:caseload")
    assert list(listed.values_list("family_id", flat=True)) == [mine.pk]


def test_a_sheet_sent_lands_on_the_family_page_once_and_an_edit_corrects_it(
    phone, make_family, case_manager, login
):
    family = make_family("active")
    instance = str(uuid.uuid4())
    answers = filled("baseline")

    sent = phone.submit(sheet_xml("baseline", family.case_number, answers, instance))
    assert sent.status == 201, sent.body
    assert sent.message() == "Sheet received."
    sheet = Response.objects.get(family=family)
    assert sheet.status == ResponseStatus.SUBMITTED and sheet.instance_id == instance
    assert sheet.author == case_manager
    page = login(case_manager).get(f"/cases/{family.pk}/")
    assert f"/cases/{family.pk}/sheets/{sheet.pk}/" in page.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_id=str(sheet.pk), user=case_manager
    ).exists()

    again = phone.submit(sheet_xml("baseline", family.case_number, answers, instance))
    assert again.status == 201 and again.message() == "This sheet was received already."
    assert Response.objects.filter(family=family).count() == 1

    edited = dict(answers, b01_dropout_risk="8")
    new_instance = str(uuid.uuid4())
    reply = phone.submit(
        sheet_xml("baseline", family.case_number, edited, new_instance, deprecated=instance)
    )
    assert reply.status == 201, reply.body
    sheet.refresh_from_db()
    correction = Response.objects.get(instance_id=new_instance)
    assert sheet.status == ResponseStatus.SUPERSEDED
    assert correction.supersedes == sheet and correction.status == ResponseStatus.SUBMITTED
    assert instance in correction.correction_reason
    assert correction.answers.get(code="b01_dropout_risk").value == "8"


def test_resending_an_original_after_its_edit_or_an_edit_after_the_next_stores_nothing(
    phone, make_family
):
    """Collect resends what it is not sure arrived, the original of an edit too: received,
    never a second submitted sheet in the chain of corrections."""
    family = make_family("active")
    first, second, third = (str(uuid.uuid4()) for _ in range(3))
    versions = [filled("baseline", b01_dropout_risk=score) for score in ("3", "5", "7")]
    assert phone.submit(sheet_xml("baseline", family.case_number, versions[0], first)).status == 201
    edit = sheet_xml("baseline", family.case_number, versions[1], second, deprecated=first)
    assert phone.submit(edit).status == 201

    original = phone.submit(sheet_xml("baseline", family.case_number, versions[0], first))
    assert original.status == 201 and original.message() == "This sheet was received already."
    assert Response.objects.filter(family=family).count() == 2

    again = sheet_xml("baseline", family.case_number, versions[2], third, deprecated=second)
    assert phone.submit(again).status == 201
    resent = phone.submit(edit)
    assert resent.status == 201 and resent.message() == "This sheet was received already."
    sheets = Response.objects.filter(family=family)
    assert sheets.count() == 3
    in_force = sheets.get(status=ResponseStatus.SUBMITTED)
    assert in_force.instance_id == third
    assert in_force.answers.get(code="b01_dropout_risk").value == "7"


def test_an_edit_of_a_corrected_sheet_corrects_the_one_in_force(phone, make_family):
    """Two phones edit the same sheet: the second edit corrects the first edit, not the
    original, so one sheet of the chain stays in force."""
    family = make_family("active")
    first, second, third = (str(uuid.uuid4()) for _ in range(3))
    phone.submit(sheet_xml("baseline", family.case_number, filled("baseline"), first))
    for instance, score in ((second, "6"), (third, "9")):
        answers = filled("baseline", b01_dropout_risk=score)
        xml = sheet_xml("baseline", family.case_number, answers, instance, deprecated=first)
        assert phone.submit(xml).status == 201
    in_force = Response.objects.get(family=family, status=ResponseStatus.SUBMITTED)
    assert in_force.instance_id == third
    assert in_force.supersedes.instance_id == second


def test_a_case_the_person_may_not_see_is_refused_without_a_hint(phone, make_family, colleague):
    theirs = make_family("active", by=colleague)
    for case in (theirs.case_number, "PT-1999-999"):
        reply = phone.submit(sheet_xml("baseline", case, filled("baseline"), str(uuid.uuid4())))
        assert reply.status == 403
        assert (
            reply.message() == f"The case number {case} is not one of your cases in Plan Together."
        )
    assert not Response.objects.exists()


def test_bad_answers_are_named_and_nothing_is_stored(phone, make_family):
    family = make_family("active")
    reply = phone.submit(
        sheet_xml(
            "baseline",
            family.case_number,
            filled("baseline", b01_dropout_risk="11"),
            str(uuid.uuid4()),
        )
    )
    assert reply.status == 400
    assert "b01_dropout_risk: A score from 0 to 10." in reply.message()
    assert not Response.objects.exists()


def test_another_sheet_under_a_used_id_is_a_conflict(phone, make_family):
    family = make_family("active")
    instance = str(uuid.uuid4())
    assert phone.submit(sheet_xml("baseline", family.case_number, filled("baseline"), instance))
    other = filled("baseline", b01_dropout_risk="2")
    reply = phone.submit(sheet_xml("baseline", family.case_number, other, instance))
    assert reply.status == 409
    assert Response.objects.count() == 1


def test_unreadable_or_hostile_xml_is_refused(phone, make_family):
    make_family("active")
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><data id="baseline">&b;</data>'
    )
    for body, expected in ((bomb, "not readable XML"), (b"<data", "not readable XML")):
        reply = phone.submit(body)
        assert reply.status == 400 and expected in reply.message()
    unknown = sheet_xml("baseline", "PT-2026-001", {}, str(uuid.uuid4())).replace(
        b'version="', b'version="1999.'
    )
    reply = phone.submit(unknown)
    assert reply.status == 400 and "Get the blank forms again" in reply.message()
    assert not Response.objects.exists()


def test_a_revoked_token_a_wrong_one_and_another_projects_are_refused(
    phone, case_manager, live_server, project, outsider, other_project
):
    assert phone.request("/formList").status == 200
    device = DeviceToken.objects.get(user=case_manager)
    services.revoke(Actor(case_manager), device)
    assert phone.request("/formList").status == 401
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).exists()

    wrong = Collect(phone.base, case_manager.username, "not-the-token")
    assert wrong.request("/formList").status == 401

    _device, token = services.issue(Actor(outsider), outsider, other_project, "Olga's")
    elsewhere = Collect(phone.base, outsider.username, token)  # Plan Together's address
    assert elsewhere.request("/formList").status == 404
    borrowed = Collect(phone.base, case_manager.username, token)  # Olga's token, Sara's name
    assert borrowed.request("/formList").status == 401


def test_a_phone_refused_again_and_again_is_told_to_the_coordinators_once(
    phone, case_manager, coordinator, settings
):
    from parcours.notify.models import Kind, Notification

    settings.AXES_FAILURE_LIMIT = 20  # not paused before the coordinators are told
    services.revoke(Actor(case_manager), DeviceToken.objects.get(user=case_manager))
    for _attempt in range(services.REFUSALS_TOLD + 3):
        assert phone.request("/formList").status == 401
    told = Notification.objects.get(recipient=coordinator, kind=Kind.DELIVERY_FAILED)
    assert told.params == {"what": "device", "n": services.REFUSALS_TOLD, "who": "sara"}
    assert not Notification.objects.filter(recipient=case_manager, kind=Kind.DELIVERY_FAILED)


def test_wrong_phone_tokens_from_one_address_are_paused_as_passwords_are(
    phone, case_manager, settings
):
    from axes.models import AccessAttempt

    settings.AXES_FAILURE_LIMIT = 3
    guessing = Collect(phone.base, case_manager.username, "not-the-token")
    for _attempt in range(3):
        assert guessing.request("/formList").status == 401
    paused = guessing.request("/formList")
    assert paused.status == 429 and "Too many wrong tokens" in paused.message()
    # Even the right token waits from that address: guessing must not pay.
    assert phone.request("/formList").status == 429
    attempt = AccessAttempt.objects.get(username="(phone token)")
    assert attempt.failures_since_start == 3  # on the administrator's list of attempts


def test_a_role_taken_away_ends_the_phones_access(phone, case_manager, project, administrator):
    from parcours.accounts.services import revoke_role

    assert phone.request("/formList").status == 200
    revoke_role(Actor(administrator), case_manager.memberships.get(project=project))
    assert phone.request("/formList").status == 401


def test_an_edit_of_a_sheet_being_corrected_on_the_web_waits(phone, make_family, case_manager):
    from parcours.instruments.services import correct

    family = make_family("active")
    instance = str(uuid.uuid4())
    answers = filled("baseline")
    assert phone.submit(sheet_xml("baseline", family.case_number, answers, instance)).status == 201
    correct(Actor(case_manager), Response.objects.get(), "typo in a score")
    edit = sheet_xml(
        "baseline", family.case_number, answers | {"b01_dropout_risk": "9"}, "x2", instance
    )
    reply = phone.submit(edit)
    assert reply.status == 409
    assert "being corrected in Parcours" in reply.message()
    assert Response.objects.count() == 2  # the sheet and the web's draft correction


def _contact_xml(case, instance, **answers) -> bytes:
    from xml.etree.ElementTree import Element, SubElement, tostring

    from parcours.collect.contacts import version

    root = Element("data", id="contact", version=version())
    SubElement(root, "case").text = case
    values = {"on": "2026-06-14", "kind": "home_visit", "minutes": "45", "with_whom": "parents"}
    for name, value in {**values, **answers}.items():
        SubElement(root, name).text = value
    SubElement(SubElement(root, "meta"), "instanceID").text = f"uuid:{instance}"
    return tostring(root, encoding="utf-8", xml_declaration=True)


def test_a_contact_logged_offline_lands_once_in_the_family_s_contacts(
    phone, make_family, case_manager, login
):
    from parcours.casework.models import Contact

    family = make_family("active")
    forms = {
        f.findtext(f"{FORMS}formID") for f in phone.request("/formList").xml().iter(f"{FORMS}xform")
    }
    assert "contact" in forms
    xform = phone.request("/forms/contact/form.xml").body
    assert b'src="jr://file-csv/caseload.csv"' in xform and b"Soort contact" in xform

    instance = str(uuid.uuid4())
    sent = phone.submit(_contact_xml(family.case_number, instance, note="Read the letters"))
    assert sent.status == 201, sent.body
    contact = Contact.objects.get(family=family)
    assert (contact.kind, contact.minutes, contact.note) == ("home_visit", 45, "Read the letters")
    assert contact.author == case_manager and contact.instance_id == instance
    assert [p.role for p in contact.present.all()] == ["parent"]
    assert AuditEvent.objects.filter(
        object_type="casework.contact", action=AuditAction.CREATE, page="collect:submission"
    ).exists()
    again = phone.submit(_contact_xml(family.case_number, instance, note="Read the letters"))
    assert again.status == 201 and again.message() == "This sheet was received already."
    assert Contact.objects.filter(family=family).count() == 1
    page = login(case_manager).get(family.get_absolute_url()).content.decode()
    assert "Read the letters" in page
    # An edit of a contact sent already would log it twice: refused, with where to correct it.
    edited = _contact_xml(family.case_number, str(uuid.uuid4()), note="Read them twice")
    meta = f"<meta><deprecatedID>uuid:{instance}</deprecatedID>".encode()
    refused = phone.submit(edited.replace(b"<meta>", meta))
    assert refused.status == 409 and "family page" in refused.message()
    assert Contact.objects.filter(family=family).count() == 1


def test_a_contact_from_a_phone_meets_the_page_s_checks(phone, make_family, colleague):
    from parcours.casework.models import Contact

    family = make_family("active")
    for answers, expected in (
        ({"on": "2999-01-01"}, "on: This date is in the future."),
        ({"minutes": "9000"}, "minutes: Give a duration between 1 and 720 minutes."),
        ({"kind": "accompaniment"}, "accompanied_to: Say where the family was accompanied."),
    ):
        reply = phone.submit(_contact_xml(family.case_number, str(uuid.uuid4()), **answers))
        assert reply.status == 400 and expected in reply.message(), reply.message()
    theirs = make_family("active", by=colleague)
    refused = phone.submit(_contact_xml(theirs.case_number, str(uuid.uuid4())))
    assert refused.status == 403
    assert not Contact.objects.exists()
