"""ODK Collect, as far as Parcours can tell: OpenRosa requests over real HTTP against the live
server, credentials only after the server's Basic challenge, multipart submissions."""

import base64
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from xml.etree.ElementTree import Element, SubElement, tostring

import pytest
from defusedxml.ElementTree import fromstring

from parcours.collect import services
from parcours.instruments.models import InstrumentVersion
from parcours.privacy.audit import Actor

OPENROSA = {
    "X-OpenRosa-Version": "1.0",
    "Date": "Mon, 15 Jun 2026 08:00:00 GMT",
    "Accept-Language": "en",
}


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    def xml(self):
        return fromstring(self.body)

    def message(self) -> str:
        node = self.xml().find("{http://openrosa.org/http/response}message")
        return node.text if node is not None else ""


class Collect:
    """Sends requests the way ODK Collect does: first without credentials; on a 401 with a
    Basic challenge, again with the user name and the phone's token."""

    def __init__(self, base: str, username: str, token: str):
        self.base, self.username, self.token = base, username, token
        self.challenged = False

    def _send(self, url, method, body=None, headers=None, credentials=False):
        headers = {**OPENROSA, **(headers or {})}
        if credentials:
            pair = f"{self.username}:{self.token}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        assert url.startswith("http://")
        request = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310
                return Answer(reply.status, dict(reply.headers), reply.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read())

    def request(self, path_or_url, method="GET", body=None, headers=None) -> Answer:
        url = path_or_url if "://" in path_or_url else self.base + path_or_url
        answer = self._send(url, method, body, headers)
        if answer.status == 401 and answer.headers.get("WWW-Authenticate", "").startswith("Basic"):
            self.challenged = True
            answer = self._send(url, method, body, headers, credentials=True)
        return answer

    def submit(self, xml: bytes) -> Answer:
        self.request("/submission", "HEAD")
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="xml_submission_file"; '
                f'filename="sheet.xml"\r\nContent-Type: text/xml\r\n\r\n'
            ).encode()
            + xml
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return self.request(
            "/submission",
            "POST",
            body,
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )


@pytest.fixture
def phone(live_server, project, case_manager):
    """Sara's phone, connected to the project with a fresh token."""
    _device, token = services.issue(Actor(case_manager), case_manager, project, "Sara's phone")
    base = live_server.url + services.server_path(project)
    return Collect(base, case_manager.username, token)


def filled(code: str, **overrides) -> dict:
    """An answer for every question of the instrument's version in use, as a phone fills it."""
    definition = InstrumentVersion.objects.active(code).definition
    answers = {}
    for question in definition.answerable:
        if question.type == "integer":
            answers[question.name] = "5"
        elif question.type == "decimal":
            answers[question.name] = "1.5"
        elif question.type == "date":
            answers[question.name] = "2026-06-01"
        elif question.is_choice:
            answers[question.name] = definition.choice_codes(question)[0]
        else:
            answers[question.name] = f"Notes for {question.name}"
    answers.update(overrides)
    return answers


def sheet_xml(code, case, answers, instance, deprecated="") -> bytes:
    """The instance XML Collect posts: a root named ``data`` carrying the form's id and
    version, groups as nested elements, and meta/instanceID."""
    version = InstrumentVersion.objects.active(code)
    definition = version.definition
    root = Element("data", id=code, version=version.version)
    SubElement(root, "case").text = case
    groups = {}
    for question in definition.shown:
        parent = root
        if question.group:
            parent = groups.setdefault(question.group, SubElement(root, question.group))
        SubElement(parent, question.name).text = answers.get(question.name, "")
    meta = SubElement(root, "meta")
    if deprecated:
        SubElement(meta, "deprecatedID").text = f"uuid:{deprecated}"
    SubElement(meta, "instanceID").text = f"uuid:{instance}"
    return tostring(root, encoding="utf-8", xml_declaration=True)
