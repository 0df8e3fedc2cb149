"""Documents: validity as data, files sealed on disk, served only through the gate."""

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parcours.legal.models import Document, DocumentKind
from parcours.privacy import keys
from parcours.privacy.crypto import DecryptionError
from parcours.privacy.models import AuditEvent
from tests.legal.conftest import PDF

SECRET = b"%PDF-1.4\n% Zainabou Quetzalcoatl, order to leave of 3 March\n%%EOF\n"


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.PARCOURS_FILE_ROOT = tmp_path / "files"


def _upload(client, family, name="letter.pdf", data=SECRET, **changes):
    fields = {
        "kind": DocumentKind.objects.get(code="support_letter").pk,
        "issued_on": "2026-01-05",
        "status": "present",
        "upload": SimpleUploadedFile(name, data),
    }
    fields.update(changes)
    return client.post(reverse("legal:document_create", args=[family.pk]), fields)


def test_a_support_letter_is_valid_six_months_by_default(make_family, case_manager):
    family = make_family("active")
    letter = Document.objects.create(
        family=family,
        issued_on=datetime.date(2026, 1, 31),
        kind=DocumentKind.objects.get(code="support_letter"),
    )
    assert letter.valid_until == datetime.date(2026, 7, 31)
    card = Document(
        family=family,
        issued_on=datetime.date(2020, 1, 1),
        expires_on=datetime.date(2030, 1, 1),
        kind=DocumentKind.objects.get(code="identity_card"),
    )
    assert card.valid_until == datetime.date(2030, 1, 1)
    assert card.is_valid_on(datetime.date(2031, 1, 1)) is False


def test_an_uploaded_file_is_unreadable_on_disk_and_without_the_key(
    settings, make_family, case_manager, login
):
    family = make_family("active")
    assert _upload(login(case_manager), family).status_code == 302
    document = Document.objects.get()
    stored = list(Path(settings.PARCOURS_FILE_ROOT).rglob("*"))
    on_disk = [p for p in stored if p.is_file()]
    assert len(on_disk) == 1 and document.file_key in on_disk[0].name
    raw = on_disk[0].read_bytes()
    assert b"Zainabou" not in raw and b"%PDF" not in raw
    assert document.file_name == "letter.pdf" and document.file_type == "application/pdf"

    settings.PARCOURS_ENCRYPTION_KEYS = [keys.new_key()]  # someone with the disk, not the key
    keys.keyring.cache_clear()
    from parcours.privacy import files

    with pytest.raises(DecryptionError):
        files.load(document.file_key)


def test_the_file_is_served_to_the_case_manager_and_logged(make_family, case_manager, login):
    family = make_family("active")
    client = login(case_manager)
    _upload(client, family)
    document = Document.objects.get()
    response = client.get(reverse("legal:document_file", args=[family.pk, document.pk]))
    assert response.content == SECRET
    assert response["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(
        action="view", object_type="legal.document", object_id=str(document.pk)
    ).exists()


@pytest.mark.parametrize("who", ["colleague", "evaluator", "administrator", "outsider"])
def test_a_stranger_gets_404_on_the_file(request, who, make_family, case_manager, login):
    family = make_family("active")
    _upload(login(case_manager), family)
    document = Document.objects.get()
    url = reverse("legal:document_file", args=[family.pk, document.pk])
    assert login(request.getfixturevalue(who)).get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.jpg", PDF, "not what its name says"),
        ("letter.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "not what its name says"),
        ("script.exe", b"MZ\x90\x00", "Upload a PDF"),
        ("letter.pdf", b"just text", "Upload a PDF"),
    ],
)
def test_a_file_that_is_not_what_it_says_is_refused(
    settings, make_family, case_manager, login, name, data, message
):
    family = make_family("active")
    response = _upload(login(case_manager), family, name=name, data=data)
    assert message in " ".join(response.context["form"].errors["upload"])
    assert not Document.objects.exists()
    assert not list(Path(settings.PARCOURS_FILE_ROOT).rglob("*.*"))


def test_a_file_over_the_limit_is_refused(settings, make_family, case_manager, login):
    settings.PARCOURS_MAX_UPLOAD_BYTES = 1000
    family = make_family("active")
    response = _upload(login(case_manager), family, data=PDF + b"0" * 2000)
    assert "larger than" in " ".join(response.context["form"].errors["upload"])
    assert not Document.objects.exists()


def test_an_expiry_before_the_issue_date_is_refused(make_family, case_manager, login):
    family = make_family("active")
    response = _upload(login(case_manager), family, expires_on="2025-01-01")
    assert "expires_on" in response.context["form"].errors
    assert not Document.objects.exists()
