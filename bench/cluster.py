"""Growing past one machine, shown on this one: two application servers and two workers on one
PostgreSQL, behind nginx, with the case list's throughput through the proxy for one server and
for two, and the jobs that two workers share.

Needs DATABASE_URL pointing to a PostgreSQL server (a scratch database is made there and
dropped at the end) and nginx (installed with apt-get when run as root, as `make system` does).

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/cluster.py
     [--families 5000] [--seconds 10] [--clients 20] [--json cluster.json]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from scale import _drop, _free_port, _scratch_database, _throughput  # noqa: E402

NGINX = """
worker_processes 1;
pid {home}/nginx.pid;
error_log {home}/nginx-error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {home}/nginx-body;
    proxy_temp_path {home}/nginx-proxy;
    fastcgi_temp_path {home}/nginx-fastcgi;
    uwsgi_temp_path {home}/nginx-uwsgi;
    scgi_temp_path {home}/nginx-scgi;
    upstream parcours {{
{servers}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://parcours;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


def _nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "nginx-light"],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            stdout=subprocess.DEVNULL,
        )
        return "/usr/sbin/nginx"
    raise SystemExit("nginx is needed: sudo apt-get install nginx-light")


def _wait(url: str) -> None:
    for _attempt in range(300):
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not answer")


def _proxy(nginx: str, home: Path, port: int, upstreams: list[int]) -> None:
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in upstreams)
    conf = home / "nginx.conf"
    conf.write_text(NGINX.format(home=home, servers=servers, port=port))
    running = (home / "nginx.pid").exists()
    command = [nginx, "-c", str(conf), "-p", str(home)] + (["-s", "reload"] if running else [])
    subprocess.run(command, check=True)
    time.sleep(1)  # a reload lets the old nginx worker finish


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server: the servers share it.")
    nginx = _nginx()
    scratch = _scratch_database()
    home = Path(tempfile.mkdtemp(prefix="parcours-cluster-"))
    (home / "node_modules").symlink_to(BENCH.parent / "node_modules")
    os.environ.update(
        PARCOURS_HOME=str(home),
        PARCOURS_ENV="development",
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PARCOURS_TRUSTED_PROXIES="127.0.0.1",
        PARCOURS_BACKGROUND_ROWS="10",
        DJANGO_SETTINGS_MODULE="parcours.settings",
    )
    processes: list[subprocess.Popen] = []
    try:
        results = _run(args, nginx, home, processes)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        if (home / "nginx.pid").exists():
            subprocess.run([nginx, "-c", str(home / "nginx.conf"), "-p", str(home), "-s", "stop"])
        _drop(scratch, server_url)
    print(
        f"\n{results['families']:,} families on one PostgreSQL; case list through nginx, "
        f"{args.clients} clients, {args.seconds:.0f} s each:\n"
    )
    print(f"| {'application servers':<24} | {'requests/s':>10} |")
    print(f"| {'-' * 24} | {'-' * 10} |")
    for name, value in results["throughput"].items():
        print(f"| {name:<24} | {value:>10.1f} |")
    print(f"\n{results['jobs']} report files asked through the proxy; workers that ran them:")
    for worker, count in sorted(results["workers"].items()):
        print(f"  {worker}: {count}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


def _run(args, nginx: str, home: Path, processes: list) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from parcours.accounts.models import AuthenticatorApp

    from parcours.cases.models import Family
    from parcours.jobs.models import Job, JobStatus

    call_command("migrate", verbosity=0)
    call_command("generate", families=args.families, project="cluster", verbosity=0)
    family = Family.objects.filter(project__slug="cluster").first()
    coordinator = family.project.memberships.get(role="coordinator").user
    device = AuthenticatorApp.objects.create(user=coordinator, name="cluster", confirmed=True)
    client = Client()
    client.force_login(coordinator)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    cookie = f"sessionid={session.session_key}"

    parcours = [sys.executable, "-m", "parcours"]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    ports = [_free_port(), _free_port()]
    for port in ports:
        serve = [*parcours, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
        processes.append(subprocess.Popen(serve, **quiet))
    for number in (1, 2):
        worker = [*parcours, "worker", "--verbosity", "0"]
        env = {**os.environ, "PARCOURS_WORKER_ID": f"worker-{number}"}
        processes.append(subprocess.Popen(worker, env=env, **quiet))
    for port in ports:
        _wait(f"http://127.0.0.1:{port}/login/")
    proxy = _free_port()
    base = f"http://127.0.0.1:{proxy}"

    throughput = {}
    for count in (1, 2):
        _proxy(nginx, home, proxy, ports[:count])
        _wait(base + "/login/")
        _throughput(base, "/cases/", cookie, seconds=2, clients=args.clients)  # warm
        label = "one (2 gunicorn workers)" if count == 1 else "two (2 + 2 workers)"
        throughput[label] = round(
            _throughput(base, "/cases/", cookie, seconds=args.seconds, clients=args.clients), 1
        )

    # Report files of a cohort past PARCOURS_BACKGROUND_ROWS go to the workers.
    project = family.project.pk
    asked = []
    for fmt in ("xlsx", "csv", "json", "pdf"):
        url = f"{base}/reports/?projects={project}&format={fmt}"
        request = urllib.request.Request(url, headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=60) as reply:
            asked.append(reply.geturl().rstrip("/").rsplit("/", 1)[-1])
    deadline = time.monotonic() + 600
    while Job.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).exists():
        if time.monotonic() > deadline:
            raise SystemExit("the workers did not finish the report files in 10 minutes")
        time.sleep(0.5)
    from django_tasks_db.models import DBTaskResult

    workers: dict[str, int] = {}
    for result in DBTaskResult.objects.all():
        for worker in result.worker_ids:
            workers[worker] = workers.get(worker, 0) + 1
    failed = list(Job.objects.filter(status=JobStatus.FAILED).values_list("lines", flat=True))
    if failed:
        raise SystemExit(f"report files failed: {failed}")
    return {
        "families": Family.objects.count(),
        "throughput": throughput,
        "jobs": len(asked),
        "workers": workers,
    }


if __name__ == "__main__":
    main()
