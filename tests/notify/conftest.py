"""A real SMTP server (aiosmtpd) on the loopback, which the outbox sends to, and that can be
taken down and brought back; and addresses for the team."""

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    """What the SMTP server received: each mail parsed, with its envelope."""

    def __init__(self):
        self.mails = []

    async def handle_DATA(self, server, session, envelope):
        mail = message_from_bytes(envelope.content, policy=policy.default)
        self.mails.append({"to": list(envelope.rcpt_tos), "mail": mail})
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SMTPServer:
    def __init__(self):
        self.inbox = Inbox()
        self.port = _free_port()
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


@pytest.fixture
def smtp(settings):
    server = SMTPServer()
    server.start()
    settings.PARCOURS_EMAIL_URL = server.url
    settings.PARCOURS_SITE_URL = "https://parcours.example.org"
    yield server
    server.stop()


@pytest.fixture
def addresses(case_manager, colleague, coordinator):
    for user, language in ((case_manager, "fr"), (colleague, "nl"), (coordinator, "nl")):
        user.email = f"{user.username}@example.org"
        user.language = language
        user.save(update_fields=["email", "language"])
    return case_manager, colleague, coordinator


def text_of(mail) -> str:
    """The plain and HTML parts and the subject of a mail, as one text to search."""
    parts = [str(mail["Subject"])]
    for part in mail.walk():
        if part.get_content_type() in ("text/plain", "text/html"):
            parts.append(part.get_content())
    return "\n".join(parts)


@pytest.fixture
def appeal_notified():
    """A refused asylum application notified on ``notified``: an appeal's 30 days follow."""
    import datetime

    from parcours.legal.models import DeadlineRule, Procedure

    def make(family, notified):
        return Procedure.objects.create(
            family=family,
            type="asylum",
            status="refused",
            filed_on=datetime.date(2025, 1, 10),
            decided_on=notified - datetime.timedelta(days=3),
            notified_on=notified,
            deadline_rule=DeadlineRule.objects.get(country="BE", code="appeal"),
        )

    return make
