"""`parcours check --deploy --fail-level WARNING` passes with the production environment of
docs/operators.md, and warns about a key file kept beside the SQLite database."""

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def _check(home: Path) -> subprocess.CompletedProcess:
    (home / "node_modules").symlink_to(REPO / "node_modules")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PARCOURS_", "DATABASE_", "SECRET_KEY", "DJANGO_"))
    }
    env.update(
        PARCOURS_HOME=str(home),
        PARCOURS_ENV="production",
        SECRET_KEY=base64.urlsafe_b64encode(os.urandom(40)).decode(),
        ALLOWED_HOSTS="parcours.example.org",
        PARCOURS_ENCRYPTION_KEYS=_key(),
        PARCOURS_BLIND_INDEX_KEY=_key(),
        PARCOURS_AUDIT_KEY=_key(),
    )
    return subprocess.run(
        [sys.executable, "-m", "parcours", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(not (REPO / "node_modules").exists(), reason="npm ci has not run")
def test_the_documented_production_environment_passes_the_deploy_check(tmp_path):
    result = _check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.skipif(not (REPO / "node_modules").exists(), reason="npm ci has not run")
def test_a_key_file_beside_the_sqlite_database_is_flagged(tmp_path):
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "keys.json").write_text("{}")
    result = _check(tmp_path)
    assert result.returncode != 0 and "parcours.W001" in result.stderr
