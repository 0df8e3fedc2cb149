import os

from django.conf import settings
from django.core.management.base import BaseCommand
from gunicorn.app.base import BaseApplication

# Method, path without its query string (it may carry a search), status, size, duration: an
# access line never holds what was searched for nor who signed in.
ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


def default_workers() -> int:
    """Gunicorn's rule of thumb, two per core and one, kept within 2 and 9."""
    return max(2, min(9, 2 * (os.cpu_count() or 1) + 1))


class _Server(BaseApplication):
    """Gunicorn run in this process, with Parcours' own settings rather than a config file."""

    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from parcours.wsgi import application

        return application


class Command(BaseCommand):
    help = (
        "Serve Parcours with gunicorn, the production server: workers from the CPU count "
        "(PARCOURS_WORKERS), a request timeout (PARCOURS_TIMEOUT, seconds; PDFs and reports "
        "take time), workers recycled now and then, and an access log on standard output that "
        "never holds a query string or a user name. Put it behind a TLS proxy listed in "
        "PARCOURS_TRUSTED_PROXIES."
    )
    requires_system_checks = []  # the server checks when it loads the application

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("PARCOURS_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("PARCOURS_WORKERS", 0)) or None
        )
        parser.add_argument(
            "--timeout", type=int, default=int(os.environ.get("PARCOURS_TIMEOUT", 90))
        )

    def handle(self, *args, bind, workers, timeout, **options):
        _Server(
            {
                "bind": bind,
                "workers": workers,
                "timeout": timeout,
                "graceful_timeout": 30,
                "keepalive": 5,
                "max_requests": 2000,
                "max_requests_jitter": 200,
                "accesslog": "-",
                "access_log_format": ACCESS_LOG_FORMAT,
                "errorlog": "-",
                "forwarded_allow_ips": ",".join(settings.PARCOURS_TRUSTED_PROXIES) or "127.0.0.1",
                "proxy_allow_ips": ",".join(settings.PARCOURS_TRUSTED_PROXIES) or "127.0.0.1",
            }
        ).run()
