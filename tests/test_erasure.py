"""Erasure (GDPR art. 17): after a coordinator erases a closed family, none of its personal
values can be read back, from the database or the files folder; what reports count stays."""

import io
import zipfile

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from parcours.cases import services as cases_services
from parcours.cases.models import Family, NameToken, Person, ReckonedAge
from parcours.instruments.models import Answer
from parcours.legal.models import Document
from parcours.privacy.audit import Actor
from parcours.privacy.fields import EncryptedTextField
from parcours.privacy.models import AuditEvent
from parcours.rights.access import _linked_models, _path_to_family
from parcours.rights.models import Erasure
from tests.test_subject_access import sentinels  # noqa: F401 (fixture)


def _ciphertexts(family) -> list[str]:
    """Every sealed value of the file, as stored."""
    found = []
    for model in _linked_models():
        path = _path_to_family(model)
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if not path or not names:
            continue
        for row in model._base_manager.filter(**{path: family.pk}).values_list(*names):
            found += [str(v) for v in row if v]
    return found


def _database_text() -> bytes:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return bytes(connection.connection.serialize())
    with connection.cursor() as cursor:  # every row of every table, as text
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        )
        tables = [r[0] for r in cursor.fetchall()]
        chunks = []
        for table in tables:
            cursor.execute(f'SELECT t::text FROM "{table}" t')  # noqa: S608 (our own tables)
            chunks += [r[0] for r in cursor.fetchall()]
    return "\n".join(chunks).encode()


@pytest.fixture
def closed_file(sentinels, whole_file, coordinator, case_manager):  # noqa: F811
    family = whole_file["family"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    from parcours.legal.services import save_document

    upload = SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n%%EOF\n")
    upload.checked_type = "application/pdf"
    save_document(Actor(case_manager), Document.objects.get(family=family), upload)
    cases_services.take_step(
        Actor(coordinator),
        Family.objects.get(pk=family.pk),
        "close",
        closed_on=family.admitted_on,
        resolution="stay_temporary",
        engagement_at_closure="remained_engaged",
    )
    return Family.objects.get(pk=family.pk)


def test_an_erased_file_holds_nothing_readable(
    closed_file, coordinator, login, django_capture_on_commit_callbacks
):
    family = closed_file
    before = _ciphertexts(family)
    assert len(before) > 30
    key = Document.objects.get(family=family).file_key
    stored = settings.PARCOURS_FILE_ROOT / key[:2] / key
    assert any(settings.PARCOURS_FILE_ROOT.rglob(key))
    coded = sorted(Answer.objects.filter(response__family=family).values_list("code", "value"))
    pseudonym = family.pseudonym

    client = login(coordinator)
    page = client.get(reverse("rights:erase", args=[family.pk]))
    assert "personal values" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the files go once it commits
        response = client.post(
            reverse("rights:erase", args=[family.pk]),
            {"reason": "request", "confirm": family.case_number},
        )
    assert response.status_code == 302

    assert _ciphertexts(family) == []
    image = _database_text()
    assert not [c for c in before if c.encode() in image]
    assert not any(settings.PARCOURS_FILE_ROOT.rglob(key)) and not stored.exists()
    assert not NameToken.objects.filter(person__family=family).exists()
    family.refresh_from_db()
    assert family.erased_at and family.pseudonym == pseudonym and family.closed_on
    assert sorted(Answer.objects.filter(response__family=family).values_list("code", "value")) == [
        (c, v) for c, v in coded if True
    ]  # coded answers stay (free text emptied)
    assert Erasure.objects.get(family_id=family.pk).reason == "request"
    row = AuditEvent.objects.filter(action="erase", family_id=family.pk).get()
    assert row.user == coordinator
    # Its name is no longer found.
    found = client.post(reverse("cases:list"), {"q": "Amina"}).context["page"].object_list
    assert family.pk not in {f.pk for f in found}


def test_an_open_file_or_a_wrong_confirmation_erases_nothing(whole_file, coordinator, login):
    family = whole_file["family"]
    url = reverse("rights:erase", args=[family.pk])
    client = login(coordinator)
    wrong = client.post(url, {"reason": "request", "confirm": "nope"})
    assert "confirm" in wrong.context["form"].errors
    still_open = client.post(url, {"reason": "request", "confirm": family.case_number})
    assert "Close the file" in still_open.content.decode()
    assert not Erasure.objects.exists() and _ciphertexts(family)


def test_one_member_is_erased_alone(whole_file, coordinator, login):
    family = whole_file["family"]
    gone, kept = family.household[0], family.household[1]
    response = login(coordinator).post(
        reverse("rights:erase", args=[family.pk]),
        {"person": gone.pk, "reason": "request", "confirm": family.case_number},
    )
    assert response.status_code == 302
    assert Person.objects.get(pk=gone.pk).given_name == ""
    assert Person.objects.get(pk=kept.pk).given_name == kept.given_name
    assert not NameToken.objects.filter(person=gone).exists()
    assert NameToken.objects.filter(person=kept).exists()
    # The age band worked out from the erased birth date goes with it.
    assert not ReckonedAge.objects.filter(person=gone).exists()
    assert ReckonedAge.objects.filter(person=kept).exists()
    assert Family.objects.get(pk=family.pk).erased_at is None


@pytest.mark.parametrize(
    "who", ["case_manager", "colleague", "evaluator", "outsider", "administrator"]
)
def test_only_the_projects_coordinators_erase(request, who, whole_file, login):
    family = whole_file["family"]
    client = login(request.getfixturevalue(who))
    url = reverse("rights:erase", args=[family.pk])
    assert client.get(url).status_code == 404
    client.post(url, {"reason": "request", "confirm": family.case_number})
    assert not Erasure.objects.exists()


def test_the_access_answer_of_an_erased_file_is_empty_of_values(closed_file, coordinator, login):
    client = login(coordinator)
    client.post(
        reverse("rights:erase", args=[closed_file.pk]),
        {"reason": "retention", "confirm": closed_file.case_number},
    )
    answer = client.post(
        reverse("rights:access_request", args=[closed_file.pk]), {"language": "en"}
    )
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    assert "S-cases.Person.given_name" not in archive.read("subject-access.json").decode()
    assert not [n for n in archive.namelist() if n.startswith("files/")]
