"""parcours generate: the same seed makes the same families; what it makes is encrypted,
indexed and audited like any file, and imports again through import-cases and
import-responses."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from parcours.accounts.models import Role
from parcours.accounts.services import create_user
from parcours.cases.models import Family, Person
from parcours.cases.services import search
from parcours.casework.models import Contact
from parcours.instruments.models import Response, ResponseStatus
from parcours.instruments.services import answers_of
from parcours.legal.models import Document
from parcours.privacy import files
from parcours.privacy.models import AuditAction, AuditEvent
from parcours.projects.services import create_project
from parcours.volume.generator import Generator, Sizes

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 6, 15)


def _generate(slug, seed=5, families=40, **sizes):
    sizes = {"contacts": 300, "sheets": 40, "documents": 4} | sizes
    return Generator(slug, Sizes(families, **sizes), seed=seed, as_of=AS_OF).run(batch=15)


def _file_contents(slug):
    """Each family as the product shows it, without what differs by project (its prefix)."""
    shown = []
    families = Family.objects.filter(project__slug=slug).prefetch_related("members")
    for family in families.order_by("referred_on", "case_number", "created_at"):
        shown.append(
            (
                family.case_number.partition("-")[2],
                family.status,
                family.referred_on,
                family.address,
                sorted(
                    (p.given_name, p.family_name, str(p.birth_date), p.nationality)
                    for p in family.members.all()
                ),
                sorted(
                    (r.instrument, r.submitted_at, sorted(answers_of(r).items()))
                    for r in family.responses.all()
                ),
                family.contacts.count(),
            )
        )
    return sorted(shown, key=repr)


def test_the_same_seed_makes_the_same_families():
    made = _generate("first")
    _generate("second")
    _generate("other", seed=6)
    assert made["families"] == 40 and made["contacts"] == 300 and made["documents"] <= 4
    assert made["sheets"] == 40
    first = _file_contents("first")
    assert first == _file_contents("second")
    assert first != _file_contents("other")
    assert len({row[1] for row in first}) >= 5  # families in most states of the lifecycle


def test_generated_files_are_encrypted_indexed_and_audited():
    _generate("gen")
    person = Person.objects.filter(family__project__slug="gen").first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT given_name FROM cases_person WHERE id = %s", [person.pk.hex])
        row = cursor.fetchone() or ()
    if not row:  # PostgreSQL stores UUIDs natively
        with connection.cursor() as cursor:
            cursor.execute("SELECT given_name FROM cases_person WHERE id = %s", [person.pk])
            row = cursor.fetchone()
    assert person.given_name not in str(row[0])
    found = search(Family.objects.all(), f"{person.given_name} {person.family_name}")
    assert person.family in found
    created = AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="cases.family")
    assert created.count() == 40
    document = Document.objects.exclude(file_key="").first()
    assert files.load(document.file_key).startswith(b"%PDF")


def test_one_family_gets_a_long_history():
    _generate("busy", families=30, contacts=10_000, sheets=0, documents=0)
    counts = sorted(
        Contact.objects.filter(family__project__slug="busy")
        .values("family")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
    )
    assert counts[-1] == 1000 and sum(counts) == 10_000
    assert not Response.objects.exists()


def test_what_is_generated_imports_again(tmp_path, capsys):
    call_command(
        "generate",
        project="gen",
        families=30,
        contacts=100,
        sheets=30,
        documents=0,
        seed=9,
        as_of="2026-06-15",
        write=tmp_path,
    )
    out = capsys.readouterr().out
    assert "Generated in gen" in out and "\r" not in out  # no progress bar outside a terminal
    copy = create_project(organisation_name="Copy", slug="copy", name="Copy", prefix="GEN")
    create_user(username="boss", password="x" * 20, project=copy, role=Role.COORDINATOR)
    call_command("import_cases", str(tmp_path / "families.csv"), project="copy")
    for code in ("baseline", "client_summary_sheet"):
        call_command(
            "import_responses", str(tmp_path / f"{code}.csv"), instrument=code, project="copy"
        )

    def admitted(slug):
        rows = []
        for family in Family.objects.filter(project__slug=slug, admitted_on__isnull=False):
            rows.append(
                (
                    family.case_number,
                    family.admitted_on,
                    sorted(
                        (p.given_name, p.family_name, str(p.birth_date), p.nationality, p.sex)
                        for p in family.members.all()
                    ),
                    sorted(
                        (r.instrument, r.submitted_at, sorted(answers_of(r).items()))
                        for r in family.responses.filter(status=ResponseStatus.SUBMITTED)
                    ),
                )
            )
        return sorted(rows, key=repr)

    original, copied = admitted("gen"), admitted("copy")
    for a, b in zip(original, copied, strict=True):
        assert a[:3] == b[:3]
        for sa, sb in zip(a[3], b[3], strict=True):
            assert sa[:2] == sb[:2]
            assert dict(sa[2]) == dict(sb[2]), set(dict(sa[2]).items()) ^ set(dict(sb[2]).items())
    assert Response.objects.filter(family__project__slug="copy").count() == 30
