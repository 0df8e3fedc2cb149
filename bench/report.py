"""Benchmark: the full cohort report over N submitted Client Summary Sheets.

Builds a scratch database with N families, one submitted sheet each answering every coded
question, then times compute() (every section of the report) against a floor measured in the
same run: one hand-written GROUP BY over the same answer rows. Run: make bench, or
python bench/report.py N
"""

import os
import shutil
import sys
import tempfile
import time
import uuid

from scale import _drop, _scratch_database  # on PostgreSQL a database of the run's own


def main(n: int) -> None:
    server_url = os.environ.get("DATABASE_URL", "")
    scratch = _scratch_database()
    home = tempfile.mkdtemp(prefix="parcours-bench-")
    try:
        _measure(n, home)
    finally:
        if scratch:
            from django.db import connections

            connections.close_all()
            _drop(scratch, server_url)
        shutil.rmtree(home, ignore_errors=True)  # the scratch SQLite database


def _measure(n: int, home: str) -> None:
    os.environ.setdefault("PARCOURS_HOME", home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parcours.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from parcours.accounts.models import Role
    from parcours.accounts.services import create_user
    from parcours.cases.models import Family
    from parcours.database import insert_many
    from parcours.instruments.models import InstrumentVersion, Response
    from parcours.projects.services import create_project
    from parcours.reports.cohort import Cohort, compute

    slug = f"bench-{uuid.uuid4().hex[:6]}"
    project = create_project(organisation_name=slug, slug=slug, name="Bench")
    user = create_user(username=slug, password="x" * 16, project=project, role=Role.COORDINATOR)
    version = InstrumentVersion.objects.active("client_summary_sheet")
    definition = version.definition
    coded = [q for q in definition.answerable if q.type == "select_one"]
    started = time.perf_counter()
    with transaction.atomic():
        families = Family.objects.bulk_create(
            (
                Family(
                    project=project,
                    case_number=f"B-{i:06d}",
                    status="active",
                    referred_on="2024-01-01",
                    admitted_on="2024-02-01",
                    referral_route="other",
                )
                for i in range(n)
            ),
            batch_size=5000,
        )
        prep = Response._meta.get_field("id").get_db_prep_value
        family_prep = Response._meta.get_field("family").get_db_prep_value
        now = timezone.now()
        ids = [prep(uuid.uuid4(), connection) for _ in families]
        insert_many(
            "instruments_response",
            [
                "id",
                "family_id",
                "version_id",
                "instrument",
                "status",
                "author_id",
                "created_at",
                "updated_at",
                "submitted_at",
                "correction_reason",
                "imported",
                "fingerprint",
                "instance_id",
            ],
            [
                (
                    i,
                    family_prep(f.pk, connection),
                    version.pk,
                    "client_summary_sheet",
                    "submitted",
                    user.pk,
                    now,
                    now,
                    now,
                    "",
                    False,
                    "",
                    "",
                )
                for i, f in zip(ids, families, strict=True)
            ],
        )
        insert_many(
            "instruments_answer",
            ["response_id", "code", "value", "text"],
            [
                (i, q.name, definition.choice_codes(q)[k % len(definition.choice_codes(q))], "")
                for k, i in enumerate(ids)
                for q in coded
            ],
        )
    # The files' figures and latest sheets, as the services that store sheets leave them
    # (the report counts from them).
    from parcours.cases import figures

    figures.refresh_all()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does after a bulk load
    built = time.perf_counter() - started
    print(f"(built {n} sheets x {len(coded)} coded answers in {built:.0f} s)")

    cohort = Cohort([project])
    compute(cohort)  # warm the caches as a page view would be
    started = time.perf_counter()
    report = compute(cohort)
    took = time.perf_counter() - started
    if report["n_sheets"] != n:
        raise SystemExit(f"expected {n} sheets, the report counted {report['n_sheets']}")

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.code, a.value, COUNT(*) FROM instruments_answer a"
            " JOIN instruments_response r ON r.id = a.response_id"
            " JOIN cases_family f ON f.id = r.family_id"
            " WHERE f.project_id = %s AND r.status = 'submitted' GROUP BY a.code, a.value",
            [project.pk],
        )
        cursor.fetchall()
    floor = time.perf_counter() - started
    print(f"full cohort report, {n} sheets on {connection.vendor}:")
    print(f"  report : {took:8.2f} s   target <= 2 s")
    print(f"  floor  : {floor:8.2f} s   one hand-written GROUP BY over the answers")
    print(f"  ratio  : {took / floor:8.2f} x the floor   target <= 3x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
