"""Benchmark: importing Client Summary Sheets from a CSV file (parcours import-responses).

Builds a scratch database (SQLite under a temporary folder, or DATABASE_URL), N families with
case numbers, and a CSV file of N rows answering every coded question, then runs
``parcours import-responses`` on it as an operator does, in its own process. Prints the
import's rows per second and peak memory, and the same figure for a floor measured in the same
run: the raw bulk insert of the same answer rows, with nothing checked. Run: make bench (or
python bench/import_sheets.py N; the targets are set at 100 000 rows).
"""

import csv
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

# A command's wall time and peak memory; on PostgreSQL a database of the benchmark's own,
# dropped after it (each run had added its sheets to the database DATABASE_URL named, and the
# next run was measured against them).
from scale import _drop, _run, _scratch_database


def main(rows: int) -> None:
    server_url = os.environ.get("DATABASE_URL", "")
    scratch = _scratch_database()
    home = tempfile.mkdtemp(prefix="parcours-bench-")
    try:
        _measure(rows, home)
    finally:
        if scratch:
            from django.db import connections

            connections.close_all()
            _drop(scratch, server_url)
        # The scratch database (1.4 GB at 100 000 rows): left behind, each run's pages were
        # still being written out while the next one ran.
        shutil.rmtree(home, ignore_errors=True)


def _measure(rows: int, home: str) -> None:
    os.environ.setdefault("PARCOURS_HOME", home)
    (Path(home) / "node_modules").symlink_to(
        Path(__file__).resolve().parent.parent / "node_modules"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parcours.settings")
    os.environ["DEBUG"] = "0"  # as in production: no query log growing with the file
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from parcours.accounts.models import Role
    from parcours.accounts.services import create_user
    from parcours.cases import figures
    from parcours.cases.models import Family
    from parcours.database import insert_many
    from parcours.instruments.models import InstrumentVersion, Response
    from parcours.projects.services import create_project

    project = create_project(
        organisation_name="Bench", slug=f"bench-{uuid.uuid4().hex[:6]}", name="Bench"
    )
    user = create_user(
        username=f"bench-{uuid.uuid4().hex[:6]}",
        password="x" * 16,
        project=project,
        role=Role.COORDINATOR,
    )
    Family.objects.bulk_create(
        Family(
            project=project,
            case_number=f"B-{i:06d}",
            status="active",
            referred_on="2025-01-01",
            referral_route="other",
        )
        for i in range(rows)
    )
    figures.refresh_all()  # every file has its figures, as the services leave them
    definition = InstrumentVersion.objects.active("client_summary_sheet").definition
    coded = [q for q in definition.answerable if q.type == "select_one"]
    header = ["case", *(q.name for q in coded), "p02_age"]
    choices = [definition.choice_codes(q) for q in coded]
    sheet = Path(home) / "sheets.csv"
    with sheet.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for i in range(rows):
            writer.writerow(
                [f"B-{i:06d}", *(codes[i % len(codes)] for codes in choices), 20 + i % 50]
            )

    command = [sys.executable, *os.environ.get("BENCH_WRAP", "").split(), "-m", "parcours"]
    command += ["import-responses"]
    command += ["--instrument", "client_summary_sheet", "--project", project.slug, str(sheet)]
    # The scratch database and the file on disk first: the import is measured, not the
    # writing out of what the benchmark itself just made.
    os.sync()
    took, peak = _run(command, dict(os.environ))
    imported = Response.objects.filter(family__project=project).count()
    if imported != rows:
        raise SystemExit(f"expected {rows} sheets, imported {imported}")

    # The floor: the same responses and answer rows written with hand-written executemany
    # inserts, nothing read, checked, hashed or audited.
    from django.db import connection, transaction

    version = InstrumentVersion.objects.active("client_summary_sheet")
    families = list(Family.objects.filter(project=project).values_list("pk", flat=True))
    prep = Response._meta.get_field("id").get_db_prep_value
    family_prep = Response._meta.get_field("family").get_db_prep_value
    now = django.utils.timezone.now()
    os.sync()  # as before the import: the import's own writes out of the floor's time
    started = time.perf_counter()
    ids = [
        prep(Response._meta.pk.default(), connection) for _ in families
    ]  # as the model makes them
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO instruments_response (id, family_id, version_id, instrument, status,"
            " author_id, created_at, updated_at, submitted_at, correction_reason, imported,"
            " fingerprint, instance_id)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, '', %s, '', '')",
            [
                (
                    i,
                    family_prep(f, connection),
                    version.pk,
                    "client_summary_sheet",
                    "submitted",
                    user.pk,
                    now,
                    now,
                    now,
                    True,
                )
                for i, f in zip(ids, families, strict=True)
            ],
        )
        insert_many(
            "instruments_answer",
            ["response_id", "code", "value", "text"],
            [(i, code, "x", "") for i in ids for code in header[1:]],
        )
    floor = time.perf_counter() - started

    engine = django.db.connection.vendor
    print(f"import-responses, {rows} rows x {len(header) - 1} answers on {engine}:")
    print(
        f"  import : {rows / took:10.0f} rows/s  ({took:.2f} s, peak {peak:.0f} MB)"
        "   target >= 2000 rows/s, <= 300 MB"
    )
    print(f"  floor  : {rows / floor:10.0f} rows/s  ({floor:.2f} s)   hand-written inserts only")
    print(f"  ratio  : {took / floor:10.2f} x the floor")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
