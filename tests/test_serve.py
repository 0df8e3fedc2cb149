"""`parcours serve`: the production server starts, answers over real HTTP, and its access log
holds neither a query string nor a name."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_server_answers_and_logs_no_query_string(tmp_path):
    port = _free_port()
    env = {**os.environ, "PARCOURS_ENV": "development", "PARCOURS_HOME": str(tmp_path)}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "parcours",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        ],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/login/?next=/cases/%3Fq%3DHaddad"
        for _attempt in range(100):
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    status, body = response.status, response.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the server never answered")
    finally:
        server.send_signal(signal.SIGTERM)
        log, _ = server.communicate(timeout=30)
    assert status == 200 and "Parcours" in body
    assert "Booting worker" in log and log.count("Booting worker") == 2
    line = next(line for line in log.splitlines() if '"GET /login/"' in line)
    assert " 200 " in line
    assert "Haddad" not in log and "q=" not in log and "next=" not in log
