"""Benchmark at scale: every hot path on realistic data, each beside a floor measured in the
same run, printed as a table and written as JSON.

A scratch database (SQLite in a temporary folder; with DATABASE_URL, a new database on that
PostgreSQL server, dropped at the end) is filled by ``parcours generate``, then:

- case list: page 1, filtered (active + one case manager), a two-word name search, a deep page;
  family page of the family with 1 000 contacts; the dashboard: p95 of requests from outside,
  over HTTP to parcours serve, with a signed-in coordinator's session (two factors), against
  the floor pages of bench/floors.py (the same rows by raw SQL, a trivial template) asked the
  same way; beside them, the same pages asked in this process (warmed up, its heap frozen as
  parcours serve does for each worker);
- the cohort report (compute) against one hand-written GROUP BY over the same answers, before
  and after the day's age bands are worked out (the worker's daily run, parcours.cases.ages);
- export-responses and import-responses of every Baseline, each run as the command an operator
  runs (time and peak memory of that process) against a raw SELECT to CSV and a raw INSERT;
- throughput of the case list under ``parcours serve`` (2 workers, 20 clients) against its floor;
- import-cases as a command, into an empty project and into the full one (possible duplicates
  looked up for each family), with its rows per second and peak memory;
- possible duplicates: false matches per 1 000 new referrals of different people, the lookup's
  time, and the recall of the written name pairs referred again at this size.

Run: make bench, or python bench/scale.py --families 100000 --contacts 1000000
--sheets 100000 [--json bench/scale-sqlite.json] [--only api --only pages ...] (one part or a
few of them, on the same generated data)
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REQUESTS = 100  # a p95 of 40 samples was their second slowest
PARTS = ("pages", "report", "api", "files", "serve", "import", "matching")


def _scratch_database() -> str | None:
    """On PostgreSQL a database of our own, so a benchmark never fills a real one."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    import psycopg

    name = f"parcours_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = re.sub(r"/[^/]*$", f"/{name}", url)
    return name


def _drop(name: str, server_url: str) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] * 1000 if len(samples) > 1 else samples[0]


def _timed(call, times=REQUESTS) -> list[float]:
    call()  # warm
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


def _run(command: list[str], env: dict) -> tuple[float, float]:
    """Wall time (s) and peak memory (MB) of one command run as an operator runs it. The
    peak is the process's own high-water mark (VmHWM), read while it runs: the rusage of a
    child counts the benchmark's own memory, copied by the fork before the exec."""
    # Compiled as installed (pip compiles a package's modules): a machine that says not to
    # write bytecode would have every run compile Parcours' 220 modules again (0.2 s).
    env = {key: value for key, value in env.items() if key != "PYTHONDONTWRITEBYTECODE"}
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    peak = 0.0
    status = Path(f"/proc/{process.pid}/status")
    while process.poll() is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) / 1024)
        except OSError:
            pass
        time.sleep(0.02)
    took = time.perf_counter() - started
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed")
    return took, peak


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _throughput(base: str, path: str, cookie: str, seconds: float = 8, clients: int = 20):
    done, stop = [0], time.monotonic() + seconds
    lock = threading.Lock()

    def client():
        while time.monotonic() < stop:
            request = urllib.request.Request(base + path, headers={"Cookie": cookie})
            with urllib.request.urlopen(request, timeout=60) as reply:
                reply.read()
            with lock:
                done[0] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0] / (time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=20_000)
    parser.add_argument("--contacts", type=int)
    parser.add_argument("--sheets", type=int)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--only",
        action="append",
        choices=PARTS,
        help="measure only these parts (repeatable); all of them by default",
    )
    args = parser.parse_args()

    server_url = os.environ.get("DATABASE_URL", "")
    scratch = _scratch_database()
    home = tempfile.mkdtemp(prefix="parcours-bench-")
    os.environ.setdefault("PARCOURS_HOME", home)
    (Path(home) / "node_modules").symlink_to(BENCH.parent / "node_modules")
    os.environ["PARCOURS_ENV"] = "development"
    os.environ["DEBUG"] = "0"
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    # The API's rate is counted as in production (one upsert per request), but set above
    # the benchmark's hundreds of requests a minute.
    os.environ["PARCOURS_API_RATE"] = "1000000"
    sys.path.insert(0, str(BENCH))
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(BENCH), os.environ.get("PYTHONPATH")])
    )
    try:
        results = _measure(args)
    finally:
        if scratch:
            _drop(scratch, server_url)
        shutil.rmtree(home, ignore_errors=True)  # the SQLite database: gigabytes at 100 000
    _print(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
        print(f"\nwritten: {args.json}")


def _measure(args) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from parcours.accounts.models import AuthenticatorApp

    from parcours.cases.models import Family
    from parcours.casework.models import Contact
    from parcours.instruments.models import Response
    from parcours.volume.generator import Generator, Sizes

    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    sizes = Sizes(args.families, args.contacts, args.sheets)
    started = time.perf_counter()
    made = Generator("bench", sizes, seed=1, progress=_progress).run(batch=2000)
    generated = time.perf_counter() - started
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            # What autovacuum does after a bulk load (PostgreSQL 13 and later vacuum a table
            # after many inserts too): statistics, and the visibility map that lets a count or
            # a deep page read the list's index alone.
            cursor.execute("VACUUM ANALYZE")
            # and the load's dirty pages written out now, not in the middle of the timings.
            cursor.execute("CHECKPOINT")
    print(f"generated {dict(made)} in {generated:.0f} s", file=sys.stderr)

    busiest = (
        Contact.objects.values("family").annotate(n=Count("id")).order_by("-n").first()["family"]
    )
    family = Family.objects.get(pk=busiest)
    project = family.project
    coordinator = project.memberships.get(role="coordinator").user
    manager = family.case_managers.first()
    device = AuthenticatorApp.objects.create(user=coordinator, name="bench", confirmed=True)
    client = Client()
    client.force_login(coordinator)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    member = family.members.first()
    pages = Family.objects.filter(project=project).count() // 50
    deep = min(1000, max(pages, 1))

    # Prepared as parcours serve prepares each worker: templates, catalogues and URLs loaded,
    # then the heap frozen (the generator's leftovers included), so the collector's passes
    # over what lives as long as the process do not land inside the timed requests.
    import parcours.wsgi  # noqa: F401

    def get(url, data=None):
        reply = client.post(url, data) if data else client.get(url)
        if reply.status_code != 200:
            raise SystemExit(f"{url}: {reply.status_code}")

    rows = {}

    browser = None

    def page(name, url, floor, data=None, floor_query=""):
        """What a user gets: p95 from outside, through parcours serve, beside the floor page
        asked the same way; the same page asked in this process, beside its floor, in the
        note (the difference is the server's: HTTP, gunicorn, the cookie)."""
        inside = _timed(lambda: get(url, data))
        inside_floor = _timed(lambda: get(floor + floor_query))
        outside = _timed(lambda: browser.request(url, data), times=REQUESTS)
        outside_floor = _timed(lambda: browser.request(floor + floor_query), times=REQUESTS)
        rows[name] = {
            "ms": p95(outside),
            "median_ms": statistics.median(outside) * 1000,
            "floor_ms": p95(outside_floor),
            "in_process_ms": round(p95(inside), 1),
            "in_process_floor_ms": round(p95(inside_floor), 1),
            "unit": "ms p95",
        }

    parts = set(args.only or PARTS)
    base = f"/floor/{project.pk}"
    if "pages" in parts:
        with _served() as served:
            browser = Browser(served, client.cookies["sessionid"].value)
            for _worker in range(4):  # each worker's first request loads what it keeps
                browser.request("/cases/")
            _pages(page, base, project, manager, member, family, deep)
    reckoned = 0.0
    if "report" in parts:
        reckoned = _report(rows, project)
    if "api" in parts:
        _api(rows, project, coordinator)
    if "files" in parts:
        _files(rows, project, Response)
    if "serve" in parts:
        _serve(rows, project, client)
    matching = {}
    try:  # the figures measured so far are printed even if one of these fails
        if "import" in parts:
            _import_cases(rows, project)
        if "matching" in parts:
            matching = _matching(project)
    except (Exception, SystemExit) as error:
        print(f"import-cases or matching failed: {error}", file=sys.stderr)
    return {
        "database": vendor,
        "families": made["families"],
        "persons": made["persons"],
        "contacts": made["contacts"],
        "sheets": made["sheets"],
        "generated_s": round(generated, 1),
        "age_bands_s": round(reckoned, 1),
        "rows": rows,
        "matching": matching,
    }


def _pages(page, base, project, manager, member, family, deep) -> None:
    """The case list and the family page, each beside its floor."""
    page("case list, page 1", "/cases/", f"{base}/cases/")
    page(
        "case list, filtered",
        f"/cases/?status=active&case_manager={manager.pk}",
        f"{base}/cases/{manager.pk}/",
    )
    name = f"{member.given_name} {member.family_name}"
    page(
        "name search (2 words)",
        "/cases/",
        f"{base}/search/",
        data={"q": name},
        floor_query="?" + urllib.parse.urlencode({"q": name}),
    )
    page(f"case list, page {deep}", f"/cases/?page={deep}", f"{base}/cases/?page={deep}")
    page(
        f"family page, {family.contacts.count()} contacts",
        f"/cases/{family.pk}/",
        f"/floor/family/{family.pk.hex}/",
    )
    page("dashboard", "/dashboard/", f"{base}/dashboard/")


def _report(rows, project) -> float:
    """The cohort report before and after the day's age bands, beside one GROUP BY; returns
    the time the day's bands took."""
    from django.db import connection

    from parcours.cases.ages import reckon
    from parcours.reports.cohort import Cohort, compute

    cohort = Cohort([project])
    # Before the day's run of parcours.cases.ages every birth date is decrypted (members made
    # in bulk have no band yet); after it, as on a site whose worker ran at 00:05, none is.
    before_bands = min(_timed(lambda: compute(cohort), times=1))
    started = time.perf_counter()
    reckon()
    reckoned = time.perf_counter() - started
    report_time = min(_timed(lambda: compute(cohort), times=2))
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(
            "SELECT a.code, a.value, COUNT(*) FROM instruments_answer a"
            " JOIN instruments_response r ON r.id = a.response_id"
            " JOIN cases_family f ON f.id = r.family_id"
            " WHERE f.project_id = %s AND r.status = 'submitted' GROUP BY a.code, a.value",
            [project.pk],
        )
        cursor.fetchall()
        floor = time.perf_counter() - started
    rows["cohort report, before the day's bands"] = {
        "ms": before_bands * 1000,
        "floor_ms": floor * 1000,
        "unit": "ms",
    }
    rows["cohort report"] = {"ms": report_time * 1000, "floor_ms": floor * 1000, "unit": "ms"}
    return reckoned


def _api(rows, project, coordinator) -> None:
    """The API with a coordinator's token: the families list (50 a page) and 200 sheets
    submitted since a date, each beside the same rows read by raw SQL behind the same token
    check (bench/floors.py)."""
    from django.test import Client

    from parcours.api import tokens
    from parcours.instruments.models import Response
    from parcours.privacy.audit import Actor

    _token, secret = tokens.issue(Actor(coordinator), coordinator, "bench", None, None)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")

    def get(url):
        reply = client.get(url)
        if reply.status_code != 200:
            raise SystemExit(f"{url}: {reply.status_code} {reply.content[:300]!r}")
        return reply

    def timed(name, url, floor):
        samples = _timed(lambda: get(url))
        rows[name] = {
            "ms": p95(samples),
            "median_ms": statistics.median(samples) * 1000,
            "floor_ms": p95(_timed(lambda: get(floor))),
            "unit": "ms p95",
        }

    timed(
        "API: families, 50 a page",
        f"/api/v1/families/?project={project.slug}",
        f"/floor/api/{project.pk}/families/",
    )
    # A date with more than 200 sheets after it: the middle of the project's sheets.
    submitted = Response.objects.filter(family__project=project, status="submitted")
    middle = submitted.order_by("submitted_at").values_list("submitted_at", flat=True)[
        submitted.count() // 2
    ]
    since = urllib.parse.urlencode({"submitted_since": middle.isoformat()})
    timed(
        "API: sheets since a date, 200 a page",
        f"/api/v1/sheets/?project={project.slug}&page_size=200&{since}",
        f"/floor/api/{project.pk}/sheets/?{since}",
    )


def _progress(step, done, total):
    print(f"\r{step}: {done}/{total}", end="\n" if done >= total else "", file=sys.stderr)


def _files(rows, project, Response) -> None:
    """export-responses and import-responses as commands, with their peak memory."""
    from django.db import connection

    env = dict(os.environ)
    out = Path(os.environ["PARCOURS_HOME"]) / "baseline.csv"
    parcours = [sys.executable, "-m", "parcours"]
    count = Response.objects.filter(family__project=project, instrument="baseline").count()
    took, memory = _run(
        [
            *parcours,
            "export-responses",
            "--instrument",
            "baseline",
            "--project",
            project.slug,
            "-o",
            str(out),
        ],
        env,
    )
    floor_script = (
        "import csv,sys,django;django.setup();from django.db import connection;"
        "w=csv.writer(open(sys.argv[1],'w'));c=connection.cursor();"
        'c.execute("SELECT r.id,a.code,a.value FROM instruments_answer a JOIN'
        " instruments_response r ON r.id=a.response_id WHERE r.instrument='baseline'\");"
        "[w.writerow(row) for row in c]"
    )
    floor_took, floor_memory = _run([sys.executable, "-c", floor_script, str(out) + ".floor"], env)
    rows[f"export-responses, {count} sheets"] = {
        "ms": took * 1000,
        "floor_ms": floor_took * 1000,
        "unit": "ms",
        "peak_mb": round(memory),
        "floor_peak_mb": round(floor_memory),
    }
    # Import the same file again after the sheets are gone: the full path (read, check,
    # store, audit, the latest sheets kept) against a raw insert of the same rows. The sheets
    # are put back as they were afterwards, under their own ids: the reviews that name a
    # Baseline are left pointing at them, unchecked while they are away.
    baseline = "SELECT id FROM instruments_response WHERE instrument = 'baseline'"
    keep = [
        f"CREATE TABLE bench_answers AS SELECT * FROM instruments_answer"
        f" WHERE response_id IN ({baseline})",
        "CREATE TABLE bench_responses AS SELECT * FROM instruments_response"
        " WHERE instrument = 'baseline'",
        "CREATE TABLE bench_latest AS SELECT * FROM instruments_latestsheet"
        " WHERE instrument = 'baseline'",
    ]
    remove = [
        "DELETE FROM instruments_latestsheet WHERE instrument = 'baseline'",
        f"DELETE FROM instruments_answer WHERE response_id IN ({baseline})",
        "DELETE FROM instruments_response WHERE instrument = 'baseline'",
    ]
    with _unchecked(connection), connection.cursor() as cursor:
        for statement in keep + remove:
            cursor.execute(statement)
    took, memory = _run(
        [
            *parcours,
            "import-responses",
            "--instrument",
            "baseline",
            "--project",
            project.slug,
            str(out),
        ],
        env,
    )
    with _unchecked(connection), connection.cursor() as cursor:
        for statement in remove:
            cursor.execute(statement)
        started = time.perf_counter()
        cursor.execute("INSERT INTO instruments_response SELECT * FROM bench_responses")
        cursor.execute("INSERT INTO instruments_answer SELECT * FROM bench_answers")
        floor = time.perf_counter() - started
        cursor.execute("INSERT INTO instruments_latestsheet SELECT * FROM bench_latest")
    rows[f"import-responses, {count} rows"] = {
        "ms": took * 1000,
        "floor_ms": floor * 1000,
        "unit": "ms",
        "rows_per_s": round(count / took),
        "peak_mb": round(memory),
    }


@contextlib.contextmanager
def _unchecked(connection):
    """This connection's foreign keys unchecked (the reviews' Baselines while the sheets are
    away): SQLite's pragma, PostgreSQL's replica role (the benchmark connects as superuser)."""
    on, off = (
        ("PRAGMA foreign_keys = ON", "PRAGMA foreign_keys = OFF")
        if connection.vendor == "sqlite"
        else ("SET session_replication_role = DEFAULT", "SET session_replication_role = replica")
    )
    with connection.cursor() as cursor:
        cursor.execute(off)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(on)


def _import_cases(rows, project) -> None:
    """import-cases as a command: the project's admitted families into an empty project
    (a team moving from Excel), then a thousand of them again into the full project, where
    each is compared with the earlier files (parcours.cases.duplicates)."""
    import csv

    from django.db import connection

    from parcours.accounts.models import Role
    from parcours.accounts.services import create_user
    from parcours.projects.services import create_project
    from parcours.volume.generator import write_files

    folder = Path(os.environ["PARCOURS_HOME"]) / "families"
    families_csv = write_files(project, folder)[0]
    copy = create_project(organisation_name="Copy", slug="copy", name="Copy", prefix="COPY")
    create_user(username="copy-boss", password="x" * 20, project=copy, role=Role.COORDINATOR)
    with families_csv.open(newline="") as handle:
        lines = list(csv.reader(handle))
    persons = len(lines) - 1
    parcours = [sys.executable, "-m", "parcours", "import-cases"]
    # A whole backlog is above the limits set for everyday files: the operator raises them.
    env = {**os.environ, "PARCOURS_MAX_IMPORT_MB": "500", "PARCOURS_MAX_IMPORT_ROWS": "5000000"}
    took, memory = _run([*parcours, "--project", "copy", str(families_csv)], env)
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(
            "CREATE TABLE bench_people AS SELECT p.* FROM cases_person p"
            " JOIN cases_family f ON f.id = p.family_id WHERE f.project_id = %s",
            [copy.pk],
        )
        floor = time.perf_counter() - started
    rows[f"import-cases, {persons} rows, new project"] = {
        "ms": took * 1000,
        "floor_ms": floor * 1000,
        "unit": "ms",
        "rows_per_s": round(persons / took),
        "peak_mb": round(memory),
    }
    # The same people again under new case numbers: every one an earlier file to find.
    again = folder / "again.csv"
    cases = list(dict.fromkeys(line[0] for line in lines[1:]))[:1000]
    chosen = set(cases)
    with again.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(lines[0])
        for line in lines[1:]:
            if line[0] in chosen:
                writer.writerow([f"AGAIN-{line[0]}", *line[1:]])
    took, memory = _run([*parcours, "--project", project.slug, str(again)], env)
    from parcours.cases.models import PossibleDuplicate

    found = (
        PossibleDuplicate.objects.filter(family__case_number__startswith="AGAIN-")
        .values("family")
        .distinct()
        .count()
    )
    count = sum(1 for line in lines[1:] if line[0] in chosen)
    rows[f"import-cases, {count} rows, into the full project"] = {
        "ms": took * 1000,
        "floor_ms": floor * 1000 * count / persons,
        "unit": "ms",
        "rows_per_s": round(count / took),
        "peak_mb": round(memory),
        "note": f"{found} of {len(cases)} families found as earlier files",
    }


def _matching(project) -> dict:
    """Possible duplicates at the project's size: a thousand new households (different
    people, drawn from the generator's names) looked up against every file, and the written
    name pairs (tests/cases/name_pairs.tsv) each referred once under one spelling, then again
    under the other, through the referral service."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from parcours.cases.duplicates import possible_earlier_files
    from parcours.cases.models import Family, Person
    from parcours.cases.services import register_referral
    from parcours.privacy.audit import Actor
    from parcours.privacy.fields import PartialDate
    from parcours.volume.generator import ORIGINS, Generator, Sizes

    new = Generator(project.slug, Sizes(1000), seed=7)
    new.pools = new._names()
    referrals, false, took = 1000, 0, []
    for _ in range(referrals):
        family = Family(project=project, referred_on=new.as_of, created_at=timezone.now())
        country, locale, _languages = new.rng.choice(ORIGINS)
        people = new._household(family, country, locale)
        started = time.perf_counter()
        false += bool(possible_earlier_files(family, people))
        took.append(time.perf_counter() - started)

    coordinator = project.memberships.get(role="coordinator").user
    actor = Actor(coordinator, "127.0.0.1")
    pairs = [
        line.split("\t")
        for line in (BENCH.parent / "tests/cases/name_pairs.tsv").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    found = {"same": 0, "different": 0}
    totals = {"same": 0, "different": 0}
    with transaction.atomic():
        for index, (kind, given_a, family_a, given_b, family_b, _why) in enumerate(pairs):
            born = PartialDate((dt.date(1970, 1, 1) + dt.timedelta(days=index * 37)).isoformat())

            def member(given, name, born=born):
                return Person(
                    role="parent", given_name=given, family_name=name, birth_date=born,
                    sex="female", nationality="SO",
                )  # fmt: skip

            day = new.as_of
            earlier = Family(project=project, referred_on=day, referral_route="other")
            register_referral(actor, earlier, [member(given_a, family_a)])
            again = Family(project=project, referred_on=day, referral_route="other")
            register_referral(actor, again, [member(given_b, family_b)])
            totals[kind] += 1
            found[kind] += again.possible_duplicates.filter(earlier=earlier).exists()
        transaction.set_rollback(True)  # the project stays as it was
    return {
        "referrals": referrals,
        "false_matches_per_1000": round(false * 1000 / referrals, 2),
        "lookup_ms_p95": round(p95(took), 1),
        "lookup_ms_median": round(statistics.median(took) * 1000, 1),
        "recall": round(found["same"] / totals["same"], 3),
        "pairs_same": totals["same"],
        "pairs_different_matched": found["different"],
        "pairs_different": totals["different"],
    }


@contextlib.contextmanager
def _served(workers: int = 2):
    """parcours serve (gunicorn, as in production) on a free port, until the block ends."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(BENCH)}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "parcours",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(200):
            try:
                urllib.request.urlopen(base + "/login/", timeout=5).read()
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


class Browser:
    """A signed-in person's browser against a running server: the session's cookie, the CSRF
    token a form carries, a new connection per request (gunicorn's sync workers close it)."""

    def __init__(self, base: str, session: str):
        self.base = base
        self.cookies = {"sessionid": session}
        self.token = ""

    def request(self, path: str, data: dict | None = None) -> bytes:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            if not self.token:
                self._csrf(path)
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.token}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        with urllib.request.urlopen(request, timeout=60) as reply:
            if reply.status != 200:
                raise SystemExit(f"{path}: {reply.status}")
            return reply.read()

    def _csrf(self, path: str) -> None:
        request = urllib.request.Request(
            self.base + path, headers={"Cookie": f"sessionid={self.cookies['sessionid']}"}
        )
        with urllib.request.urlopen(request, timeout=60) as reply:
            page = reply.read().decode()
            for header in reply.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                if name == "csrftoken":
                    self.cookies["csrftoken"] = rest.split(";")[0]
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def _serve(rows, project, client) -> None:
    """Requests per second of the case list under parcours serve, and of its floor."""
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    with _served() as base:
        served = _throughput(base, "/cases/", cookie)
        floor = _throughput(base, f"/floor/{project.pk}/cases/", cookie)
    rows["case list under parcours serve"] = {
        "per_s": round(served, 1),
        "floor_per_s": round(floor, 1),
        "unit": "requests/s",
    }


def _print(results: dict) -> None:
    print(
        f"\n{results['database']}: {results['families']:,} families, {results['persons']:,} "
        f"persons, {results['contacts']:,} contacts, {results['sheets']:,} sheets "
        f"(generated in {results['generated_s']} s; the day's age bands worked out in "
        f"{results['age_bands_s']} s)\n"
    )
    print(f"| {'path':<40} | {'Parcours':>12} | {'floor':>12} | {'ratio':>6} | note |")
    print(f"| {'-' * 40} | {'-' * 12} | {'-' * 12} | {'-' * 6} | ---- |")
    for name, row in results["rows"].items():
        if "per_s" in row:
            ratio = row["per_s"] / row["floor_per_s"]
            print(
                f"| {name:<40} | {row['per_s']:>10.1f}/s | {row['floor_per_s']:>10.1f}/s "
                f"| {ratio:>5.0%} | of the floor's throughput |"
            )
            continue
        note = []
        if "median_ms" in row:
            note.append(f"p95; median {row['median_ms']:.1f} ms")
        if "in_process_ms" in row:
            note.append(
                f"in process {row['in_process_ms']} ms, floor {row['in_process_floor_ms']} ms"
            )
        if "peak_mb" in row:
            note.append(f"peak {row['peak_mb']} MB")
        if "rows_per_s" in row:
            note.append(f"{row['rows_per_s']:,} rows/s")
        if "note" in row:
            note.append(row["note"])
        print(
            f"| {name:<40} | {row['ms']:>9.1f} ms | {row['floor_ms']:>9.1f} ms "
            f"| {row['ms'] / row['floor_ms']:>5.1f}x | {', '.join(note)} |"
        )

    m = results.get("matching")
    if m:
        print(
            f"\npossible duplicates at {results['families']:,} families: "
            f"{m['false_matches_per_1000']} false matches per 1 000 new referrals "
            f"(target <= 1), lookup p95 {m['lookup_ms_p95']} ms (median "
            f"{m['lookup_ms_median']} ms); recall of the {m['pairs_same']} written spelling "
            f"variants {m['recall']:.1%} (target >= 90 %); {m['pairs_different_matched']} of "
            f"{m['pairs_different']} pairs of different people with similar names taken for one"
        )


if __name__ == "__main__":
    main()
