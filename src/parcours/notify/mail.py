"""E-mail through Django's e-mail framework, to wherever PARCOURS_EMAIL_URL says, written in
the recipient's language. A mail names files by their case number and says what is due and
when, with a link; never a name, a birth date, an address, a phone number or free text: the
reader signs in to see more."""

import datetime
import sys
import uuid
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import make_msgid
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from parcours.env import ConfigurationError
from parcours.notify.texts import describe

SMTP = "django.core.mail.backends.smtp.EmailBackend"


class DevelopmentBackend(BaseEmailBackend):
    """Development: each mail on the console and in a file of its own under var/mail/."""

    def send_messages(self, email_messages):
        folder = settings.PARCOURS_MAIL_DIR
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            data = message.message().as_bytes(linesep="\n")
            name = f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
            (folder / name).write_bytes(data)
            sys.stdout.write(data.decode("utf-8", "replace") + "\n" + "-" * 79 + "\n")
        return len(email_messages)


def connection():
    """A connection to where PARCOURS_EMAIL_URL says: smtp://, smtp+tls://, smtps://,
    console://, or (development, tests) dev:// and locmem://."""
    url = urlsplit(settings.PARCOURS_EMAIL_URL)
    scheme = url.scheme.lower()
    if scheme == "dev":
        return DevelopmentBackend()
    if scheme == "console":
        return get_connection("django.core.mail.backends.console.EmailBackend")
    if scheme == "locmem":
        return get_connection("django.core.mail.backends.locmem.EmailBackend")
    if scheme not in ("smtp", "smtp+tls", "smtps"):
        raise ConfigurationError(
            "PARCOURS_EMAIL_URL must start with smtp://, smtp+tls://, smtps:// or console://"
        )
    return get_connection(
        SMTP,
        host=url.hostname or "localhost",
        port=url.port or {"smtp": 25, "smtp+tls": 587, "smtps": 465}[scheme],
        username=unquote(url.username or ""),
        password=unquote(url.password or ""),
        use_tls=scheme == "smtp+tls",
        use_ssl=scheme == "smtps",
        timeout=20,
        fail_silently=False,
    )


def site_link(path: str) -> str:
    return settings.PARCOURS_SITE_URL + path


def _headers(preferences: str) -> dict:
    return {
        "List-Unsubscribe": f"<{preferences}>",
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
        "Message-ID": make_msgid(domain=urlsplit(settings.PARCOURS_SITE_URL).hostname),
    }


def compose(message) -> EmailMultiAlternatives:
    """The mail of an outbox message, in its recipient's language."""
    user = message.recipient
    with translation.override(user.language or settings.LANGUAGE_CODE):
        preferences = site_link(reverse("notify:preferences"))
        if message.kind == "digest":
            subject, context = _digest(message, user)
            template = "notify/digest_mail"
        else:
            notification = message.notification
            text = describe(notification.kind, notification.params, notification.case_number)
            subject = f"Parcours · {text}"
            context = {
                "text": text,
                "link": site_link(reverse("notify:open", args=[notification.pk])),
            }
            template = "notify/notification_mail"
        context |= {"user": user, "preferences": preferences}
        body = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    mail = EmailMultiAlternatives(
        subject=subject[:200],
        body=body,
        from_email=settings.PARCOURS_EMAIL_FROM,
        to=[user.email],
        headers=_headers(preferences),
    )
    mail.attach_alternative(html, "text/html")
    return mail


def _digest(message, user) -> tuple[str, dict]:
    """A digest: what is due today and the next seven days, and what happened since the last
    one, grouped by family (case number)."""
    payload = message.payload
    day = datetime.date.fromisoformat(payload["date"])
    families: dict[str, list[str]] = {}
    for item in payload.get("items", []):
        families.setdefault(item["case"], []).append(
            describe(item["kind"], item["params"], item["case"]).removeprefix(f"{item['case']}: ")
        )
    subject = _("Parcours · what is due, %(date)s") % {"date": date_format(day, "DATE_FORMAT")}
    context = {
        "day": day,
        "families": sorted(families.items()),
        "link": site_link(reverse("casework:my_week")),
    }
    return subject, context


def send(message) -> None:
    """Send one outbox message now (raises when the server refuses or cannot be reached)."""
    with connection() as mailer:
        mailer.send_messages([compose(message)])
