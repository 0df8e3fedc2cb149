"""PARCOURS_EMAIL_URL is read when the first mail goes out; a typo is said at start-up instead."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register

SCHEMES = ("smtp", "smtp+tls", "smtps", "console", "dev", "locmem")


@register()
def mail_settings(app_configs, **kwargs):
    url = settings.PARCOURS_EMAIL_URL
    if url and urlsplit(url).scheme.lower() not in SCHEMES:
        return [
            Error(
                "PARCOURS_EMAIL_URL must start with smtp://, smtp+tls://, smtps:// or console://",
                id="parcours.E020",
            )
        ]
    if url and settings.PRODUCTION and settings.PARCOURS_SITE_URL.startswith("http://127."):
        return [
            Error(
                "PARCOURS_SITE_URL must be the site's address when mail is sent (the links in "
                "mails point to it)",
                id="parcours.E021",
            )
        ]
    return []
