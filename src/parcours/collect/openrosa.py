"""The OpenRosa documents Parcours serves to ODK Collect and Enketo, and the submissions it
reads back: the form list, each form as phones fill it, its manifest with the caseload file,
and the XML of a filled form (parsed with defusedxml: no entities, no external references).

See https://docs.getodk.org/openrosa-form-list/ and …/openrosa-form-submission/.
"""

import csv
import datetime
import functools
import hashlib
import io
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.cases.choices import FamilyStatus
from parcours.cases.models import Family
from parcours.instruments.xforms import to_xform
from parcours.instruments.xlsform import CASE_FIELD

FORM_LIST_NS = "http://openrosa.org/xforms/xformsList"
MANIFEST_NS = "http://openrosa.org/xforms/xformsManifest"
RESPONSE_NS = "http://openrosa.org/http/response"
CASELOAD = "caseload.csv"
# A closed file stays on the phones this long after closing, for its Case Study.
RECENTLY_CLOSED_DAYS = 90
MAX_SUBMISSION_BYTES = 10 * 1024 * 1024  # told to phones (X-OpenRosa-Accept-Content-Length)


def md5(data: bytes) -> str:
    """OpenRosa's hashes are MD5: a change detector for phones, not a security measure."""
    return "md5:" + hashlib.md5(data, usedforsecurity=False).hexdigest()


def _xml(root: Element) -> bytes:
    return tostring(root, encoding="utf-8", xml_declaration=True)


@dataclass
class FormEntry:
    form_id: str
    name: str
    version: str
    hash: str
    download_url: str
    manifest_url: str


def form_list(entries: list[FormEntry]) -> bytes:
    root = Element("xforms", xmlns=FORM_LIST_NS)
    for entry in entries:
        form = SubElement(root, "xform")
        for tag, text in (
            ("formID", entry.form_id),
            ("name", entry.name),
            ("version", entry.version),
            ("hash", entry.hash),
            ("downloadUrl", entry.download_url),
            ("manifestUrl", entry.manifest_url),
        ):
            SubElement(form, tag).text = text
    return _xml(root)


def manifest(files: list[tuple[str, str, str]]) -> bytes:
    """(file name, hash, download URL) of each media file of a form."""
    root = Element("manifest", xmlns=MANIFEST_NS)
    for name, digest, url in files:
        media = SubElement(root, "mediaFile")
        SubElement(media, "filename").text = name
        SubElement(media, "hash").text = digest
        SubElement(media, "downloadUrl").text = url
    return _xml(root)


def response(message: str, nature: str = "") -> bytes:
    """The envelope of a submission's answer; Collect shows ``message`` to the person."""
    root = Element("OpenRosaResponse", xmlns=RESPONSE_NS)
    node = SubElement(root, "message")
    if nature:
        node.set("nature", nature)
    node.text = message
    return _xml(root)


@functools.lru_cache(maxsize=32)
def device_xform(version_key, xlsx: bytes) -> str:
    """The XForm phones fill: the instrument as it is, except that the case number is chosen
    from the person's caseload (``caseload.csv``, a media file of the form) instead of typed.
    Versions never change, so the result is kept per version."""
    from openpyxl import load_workbook  # here: commands that serve no phone do not load it

    book = load_workbook(io.BytesIO(xlsx))
    survey = book["survey"]
    header = [str(c.value or "").strip().lower() for c in survey[1]]
    kind, name = header.index("type"), header.index("name")
    for row in survey.iter_rows(min_row=2):
        if row[name].value == CASE_FIELD:
            row[kind].value = f"select_one_from_file {CASELOAD}"
            for index, column in enumerate(header):
                if column.startswith("hint"):  # "Filled in by Parcours": not on a phone
                    row[index].value = None
            if "required" in header:
                row[header.index("required")].value = "yes"
    out = io.BytesIO()
    book.save(out)
    return to_xform(out.getvalue())


def caseload(user, project) -> list[Family]:
    """The files this person fills sheets for from a phone: those the visibility gate shows
    them in the project, with a case number, still open or closed lately."""
    closed_since = timezone.localdate() - datetime.timedelta(days=RECENTLY_CLOSED_DAYS)
    families = (
        Family.objects.visible_to(user)
        .filter(project=project, erased_at=None)
        .exclude(case_number="")
        .exclude(status__in=[FamilyStatus.DECLINED, FamilyStatus.WITHDRAWN])
        .exclude(status=FamilyStatus.CLOSED, closed_on__lt=closed_since)
    )
    return list(families.only("id", "case_number").order_by("case_number"))


def caseload_csv(families) -> bytes:
    """``name`` and ``label`` as select_one_from_file reads them: case numbers only, never a
    name, since the file lies on the phone."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "label"])
    for family in families:
        writer.writerow([family.case_number, family.case_number])
    return out.getvalue().encode()


class SubmissionError(Exception):
    """A submission refused: ``status`` is the HTTP status, the message is shown on the phone."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass
class Submission:
    form_id: str
    version: str
    case: str
    answers: dict[str, str] = field(default_factory=dict)
    instance_id: str = ""
    edits: str = ""  # the instance this one replaces (meta/deprecatedID)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _instance(text: str | None) -> str:
    return (text or "").strip().removeprefix("uuid:")


def parse(data: bytes) -> Submission:
    """A filled form's XML: the form and version from the root, every leaf as an answer under
    its name (groups only nest them), and the instance IDs from ``meta``."""
    try:
        root = fromstring(data)
    except (ParseError, DefusedXmlException, ValueError):
        raise SubmissionError(_("The sheet sent is not readable XML.")) from None
    submission = Submission(form_id=root.get("id", ""), version=root.get("version", ""), case="")

    def walk(element, in_meta: bool) -> None:
        for child in element:
            name = _local(child.tag)
            if len(child):
                walk(child, in_meta or name == "meta")
            elif in_meta:
                if name == "instanceID":
                    submission.instance_id = _instance(child.text)
                elif name == "deprecatedID":
                    submission.edits = _instance(child.text)
            elif name == CASE_FIELD:
                submission.case = (child.text or "").strip()
            elif name in submission.answers:
                raise SubmissionError(
                    _("The sheet sent holds the question %(code)s twice.") % {"code": name}
                )
            else:
                submission.answers[name] = (child.text or "").strip()

    walk(root, False)
    if not submission.form_id:
        raise SubmissionError(_("The sheet sent does not say which form it is."))
    return submission
