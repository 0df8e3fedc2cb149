"""A request for access (GDPR art. 15): everything Parcours holds about a family, or one member,
as a PDF, a JSON and the dossier's files; checked with a sentinel in every personal field."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from pypdf import PdfReader

from parcours.cases.models import AssignmentChange, Cover, Family, ScreeningAssessment
from parcours.casework.models import Contact, Review
from parcours.instruments.models import Answer
from parcours.legal.models import TimelineEvent
from parcours.legal.services import save_document
from parcours.privacy import register
from parcours.privacy.audit import Actor
from parcours.privacy.fields import EncryptedPartialDateField
from parcours.privacy.models import AuditEvent

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def sentinels(whole_file, case_manager, coordinator, colleague, project):
    """Every personal text field of the file set to a sentinel naming it."""
    family = whole_file["family"]
    extra = {
        "casework.Contact": Contact.objects.create(
            family=family, kind="home_visit", on="2026-03-01", author=case_manager
        ),
        "casework.Review": Review.objects.create(
            family=family, held_on="2026-04-01", author=case_manager
        ),
        "legal.TimelineEvent": TimelineEvent.objects.create(
            family=family, on="2012-03-01", kind="arrival", created_by=case_manager
        ),
        "cases.ScreeningAssessment": ScreeningAssessment.objects.filter(family=family).first(),
        "cases.StatusChange": family.status_changes.first(),
        "cases.Cover": Cover.objects.create(
            family=family,
            user=colleague,
            starts_on="2026-06-01",
            ends_on="2026-06-30",
            granted_by=coordinator,
        ),
        "cases.AssignmentChange": AssignmentChange.objects.create(
            family=family, user=colleague, kind="cover", by=coordinator
        ),
        "instruments.Answer": Answer.objects.create(
            response=whole_file["response"], code="b01_why"
        ),
    }
    objects = {
        "cases.Family": family,
        "cases.Person": whole_file["person"],
        "casework.CasePlan": whole_file["plan"],
        "casework.Action": whole_file["action"],
        "casework.ServiceReferral": whole_file["referral"],
        "legal.Procedure": whole_file["procedure"],
        "legal.Document": whole_file["document"],
        "instruments.Response": whole_file["response"],
        **extra,
    }
    typed = {}
    for entry in register.entries():
        model_label, name = entry.label.rsplit(".", 1)
        obj = objects.get(model_label)
        if obj is None or entry.label in register.PLAIN_BECAUSE:
            continue
        field = type(obj)._meta.get_field(name)
        if isinstance(field, EncryptedPartialDateField) or field.get_internal_type() != "TextField":
            continue
        value = (
            f"sentinel@{name.replace('_', '')}.example" if name == "email" else f"S-{entry.label}"
        )
        setattr(obj, name, value)
        typed[entry.label] = value
    for obj in objects.values():
        obj.__dict__.pop("read_version", None)
        obj.save()
    assert len(typed) >= 30
    return typed


def _export(client, family, **data):
    response = client.post(reverse("rights:access_request", args=[family.pk]), data)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_every_personal_field_is_in_the_answer(sentinels, whole_file, coordinator, login):
    family = whole_file["family"]
    archive = _export(login(coordinator), family, language="en")
    text = archive.read("subject-access.json").decode()
    missing = [label for label, value in sentinels.items() if value not in text]
    assert missing == []
    data = json.loads(text)
    assert data["case"] == family.case_number and data["access_log"]
    pdf = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(archive.read("subject-access.pdf"))).pages
    )
    assert "What Parcours holds" in pdf and sentinels["cases.Person.given_name"] in pdf
    assert AuditEvent.objects.filter(
        user=coordinator, action="export", family_id=family.pk
    ).exists()


def test_the_dossier_files_come_with_it_and_a_member_gets_theirs(
    whole_file, coordinator, case_manager, login
):
    family = whole_file["family"]
    document = whole_file["document"]
    document.person = whole_file["person"]
    upload = SimpleUploadedFile("letter.pdf", PDF)
    upload.checked_type = "application/pdf"  # what the form's check sets
    save_document(Actor(case_manager), document, upload)
    client = login(coordinator, "fr")
    archive = _export(client, family, language="fr")
    names = archive.namelist()
    assert any(n.startswith("files/") and n.endswith("letter.pdf") for n in names)
    assert archive.read(next(n for n in names if n.endswith("letter.pdf"))) == PDF
    other = family.household[1]
    theirs = _export(client, family, person=other.pk, language="fr")
    data = json.loads(theirs.read("subject-access.json"))
    assert data["person"] == other.full_name
    assert whole_file["person"].given_name not in json.dumps(
        data["sections"].get("Membres du ménage", data["sections"])
    )
    assert not any(n.startswith("files/") for n in theirs.namelist())  # the letter is not theirs


@pytest.mark.parametrize(
    "who", ["case_manager", "colleague", "evaluator", "outsider", "administrator"]
)
def test_only_the_projects_coordinators_answer_it(request, who, whole_file, login):
    family = whole_file["family"]
    client = login(request.getfixturevalue(who))
    url = reverse("rights:access_request", args=[family.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"language": "en"}).status_code == 404


def test_the_command_writes_the_answer_into_a_folder(whole_file, tmp_path):
    family = whole_file["family"]
    out = tmp_path / "answer"
    call_command("subject_access", family.case_number, "-o", str(out), stdout=io.StringIO())
    assert {p.name for p in out.iterdir()} >= {"subject-access.pdf", "subject-access.json"}
    with pytest.raises(CommandError, match="not empty"):
        call_command("subject_access", family.case_number, "-o", str(out))
    with pytest.raises(CommandError, match="PT-0000-000: no such case"):
        call_command("subject_access", "PT-0000-000", "-o", str(tmp_path / "x"))
    assert Family.objects.filter(pk=family.pk).exists()
