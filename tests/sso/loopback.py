"""A real OpenID Connect provider (node's oidc-provider, tests/sso/provider.mjs) on the
loopback, and Parcours configured to sign in through it."""

import json
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CLIENT_ID = "parcours"
CLIENT_SECRET = "a-client-secret-of-the-tests"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LoopbackProvider:
    def __init__(self, issuer: str, accounts: Path):
        self.issuer = issuer
        self.accounts_file = accounts

    def accounts(self, **accounts) -> None:
        """Who exists at the provider now: {id: {email, email_verified, name, amr, disabled}}."""
        self.accounts_file.write_text(json.dumps(accounts))

    def misbehave(self, mode: str) -> None:
        import requests

        requests.post(f"{self.issuer}/_test/misbehave", json={"mode": mode}, timeout=5)


@pytest.fixture(scope="module")
def _provider_process(live_server, tmp_path_factory):
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed for the single sign-on tests (make install)")
    folder = tmp_path_factory.mktemp("provider")
    accounts = folder / "accounts.json"
    accounts.write_text("{}")
    port = _free_port()
    base = live_server.url
    config = {
        "port": port,
        "accounts": str(accounts),
        "client": {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": [f"{base}/oidc/callback/"],
            "post_logout_redirect_uris": [f"{base}/login/"],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "backchannel_logout_uri": f"{base}/oidc/backchannel-logout/",
            "backchannel_logout_session_required": True,
        },
    }
    (folder / "config.json").write_text(json.dumps(config))
    process = subprocess.Popen(
        [node, str(HERE / "provider.mjs"), str(folder / "config.json")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    said = []  # oidc-provider warns of its in-memory storage before it listens
    while not said or said[-1].strip() != "ready":
        line = process.stdout.readline()
        if not line:
            process.kill()
            pytest.fail("the test provider did not start:\n" + "".join(said))
        said.append(line)
    yield LoopbackProvider(f"http://127.0.0.1:{port}", accounts)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def oidc(_provider_process, settings):
    """Parcours signing in through the test provider; nobody exists there yet."""
    from parcours.sso import provider

    settings.PARCOURS_OIDC_ISSUER = _provider_process.issuer
    settings.PARCOURS_OIDC_CLIENT_ID = CLIENT_ID
    settings.PARCOURS_OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.PARCOURS_OIDC_LABEL = "Sign in with Example Org"
    settings.PARCOURS_REQUIRE_2FA = True
    provider._client.cache_clear()
    _provider_process.accounts()
    _provider_process.misbehave("")
    yield _provider_process
    provider._client.cache_clear()
