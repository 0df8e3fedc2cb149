"""Settings come from the environment and fail loudly, naming the variable."""

import os
import subprocess
import sys

import pytest

PROBE = "import django; django.setup(); print('started')"


def start(tmp_path, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PARCOURS_", "DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS"))
    }
    clean.update(DJANGO_SETTINGS_MODULE="parcours.settings", PARCOURS_HOME=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=clean, check=False
    )


def test_production_refuses_to_start_and_names_what_is_missing(tmp_path):
    result = start(tmp_path, PARCOURS_ENV="production", SECRET_KEY="s" * 50)
    assert result.returncode != 0
    for name in (
        "ALLOWED_HOSTS",
        "PARCOURS_ENCRYPTION_KEYS",
        "PARCOURS_BLIND_INDEX_KEY",
        "PARCOURS_AUDIT_KEY",
    ):
        assert name in result.stderr
    assert "SECRET_KEY," not in result.stderr


def test_production_starts_with_everything_set(tmp_path):
    from parcours.privacy.keys import new_key

    result = start(
        tmp_path,
        PARCOURS_ENV="production",
        SECRET_KEY="s" * 50,
        ALLOWED_HOSTS="parcours.example",
        PARCOURS_ENCRYPTION_KEYS=new_key(),
        PARCOURS_BLIND_INDEX_KEY=new_key(),
        PARCOURS_AUDIT_KEY=new_key(),
    )
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "var" / "keys.json").exists()


def test_single_sign_on_needs_its_client_and_https_in_production(tmp_path):
    from parcours.privacy.keys import new_key

    production = {
        "PARCOURS_ENV": "production",
        "SECRET_KEY": "s" * 50,
        "ALLOWED_HOSTS": "parcours.example",
        "PARCOURS_ENCRYPTION_KEYS": new_key(),
        "PARCOURS_BLIND_INDEX_KEY": new_key(),
        "PARCOURS_AUDIT_KEY": new_key(),
    }
    result = start(tmp_path, PARCOURS_OIDC_ISSUER="https://login.example.org")
    assert result.returncode != 0 and "PARCOURS_OIDC_CLIENT_SECRET" in result.stderr
    client = {"PARCOURS_OIDC_CLIENT_ID": "parcours", "PARCOURS_OIDC_CLIENT_SECRET": "x"}
    plain = start(tmp_path, PARCOURS_OIDC_ISSUER="http://login.example.org", **client)
    assert plain.returncode == 0, plain.stderr  # a test provider, outside production
    refused = start(
        tmp_path, PARCOURS_OIDC_ISSUER="http://login.example.org", **client, **production
    )
    assert refused.returncode != 0 and "https://" in refused.stderr
    secure = start(
        tmp_path, PARCOURS_OIDC_ISSUER="https://login.example.org", **client, **production
    )
    assert secure.returncode == 0, secure.stderr


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"PARCOURS_ENV": "staging"}, "PARCOURS_ENV"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"PARCOURS_SESSION_IDLE_MINUTES": "soon"}, "PARCOURS_SESSION_IDLE_MINUTES"),
        ({"DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL"),
    ],
)
def test_a_malformed_value_names_its_variable(tmp_path, env, name):
    result = start(tmp_path, **env)
    assert result.returncode != 0 and name in result.stderr


def test_development_makes_its_own_keys_under_var(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", PROBE + "; from parcours.privacy.keys import keyring; keyring()"],
        capture_output=True,
        text=True,
        check=False,
        env={
            **os.environ,
            "PARCOURS_HOME": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "parcours.settings",
            "PARCOURS_ENCRYPTION_KEYS": "",
            "PARCOURS_BLIND_INDEX_KEY": "",
        },
    )
    assert result.returncode == 0, result.stderr
    key_file = tmp_path / "var" / "keys.json"
    assert key_file.exists() and oct(key_file.stat().st_mode)[-3:] == "600"


def test_sqlite_checkpoints_its_log_every_ten_thousand_pages(db):
    """Ten times rarer than SQLite's default: a list page's audit rows made one request in
    twenty pay for a checkpoint (docs/development.md)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("a SQLite setting")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        assert cursor.fetchone() == (10000,)
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone() == ("wal",)


def test_postgresql_compiles_no_query_just_in_time(db):
    """JIT compiling cost a report's short count 230 ms (settings.py): it is off for
    Parcours' connections."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
