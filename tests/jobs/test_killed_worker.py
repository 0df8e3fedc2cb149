"""A worker killed outright (SIGKILL) in the middle of a job: another worker marks the job
failed with a message within seconds, never leaving it shown as running. Real processes on a
database of their own (SQLite under a temporary home)."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.xdist_group("processes")

# In the language of the person who asked (French), as the job keeps it.
FAILED_IN_FRENCH = (
    "Le processus qui l\u2019ex\u00e9cutait s\u2019est arr\u00eat\u00e9. Rien n\u2019en a "
    "\u00e9t\u00e9 gard\u00e9 : demandez-le \u00e0 nouveau."
)
ENQUEUE = """
from parcours.accounts.models import User
from parcours.jobs.models import Job
from tests.jobs.slow import nap
user = User.objects.create(username="sara", language="fr")
job = Job.objects.create(
    kind="test.nap", title="nap", requested_by=user, exclusive_key="nap", language="fr"
)
nap.enqueue(str(job.pk))
"""


def _run(env, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "parcours", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )


def _worker(env, name, log):
    return subprocess.Popen(
        [sys.executable, "-m", "parcours", "worker", "--worker-id", name, "--interval", "0.2"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _job(database) -> tuple[str, str, list]:
    with sqlite3.connect(database) as db:
        status, worker, lines = db.execute("SELECT status, worker, lines FROM jobs_job").fetchone()
    return status, worker, json.loads(lines)


def _wait_for(database, status, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _job(database)[0] == status:
            return _job(database)
        time.sleep(0.2)
    raise AssertionError(f"the job never became {status}: {_job(database)}")


def test_a_job_of_a_killed_worker_is_failed_with_a_message_by_another(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "PARCOURS_ENV")
    }
    env |= {
        "PARCOURS_ENV": "development",
        "PARCOURS_HOME": str(tmp_path),
        "PARCOURS_WORKER_BEAT_SECONDS": "1",
        "PYTHONPATH": str(ROOT),
        "PARCOURS_AGES_AT": "",  # no daily work in the way
        "PARCOURS_REMIND_AT": "",
        "PARCOURS_DIGEST_AT": "",
    }
    database = tmp_path / "var" / "parcours.sqlite3"
    _run(env, "migrate", "-v", "0")
    _run(env, "shell", "-c", ENQUEUE)
    log = (tmp_path / "workers.log").open("w")
    first = _worker(env, "w1", log)
    second = None
    try:
        _status, worker, _lines = _wait_for(database, "running", 60)
        assert worker == "w1"
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        assert _job(database)[0] == "running"  # nobody has looked yet
        killed_at = time.monotonic()
        second = _worker(env, "w2", log)
        _status, _name, lines = _wait_for(database, "failed", 60)
        assert time.monotonic() - killed_at < 60  # far within the five minutes promised
        assert lines == [FAILED_IN_FRENCH]
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
        log.close()
