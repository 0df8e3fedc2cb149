"""Pooling evaluation data across a network of projects.

``export_dataset`` writes what an evaluator of the network needs and nothing that names a
family: keyed pseudonyms (they change when the organisation changes its export secret), months
instead of dates, ages and years in the country in bands (parcours.bands), coded answers only.
The file is signed with the key the network shares (HMAC-SHA256); ``import_datasets`` checks
every file before it changes anything, and loads them into a network project all or nothing.
"""

import datetime
import hashlib
import hmac
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from parcours import bands
from parcours.cases import figures
from parcours.cases.choices import FamilyStatus, PersonRole
from parcours.cases.models import Family, Person, ScreeningAssessment, today
from parcours.casework.models import Contact, consents_to_evaluation
from parcours.dates import completed_years
from parcours.instruments.models import Answer, InstrumentVersion, Response, ResponseStatus
from parcours.network.models import PooledSource
from parcours.privacy.audit import record
from parcours.privacy.keys import decode_key, key_id, new_key
from parcours.privacy.models import AuditAction
from parcours.projects.models import EligibilityCriterion

FORMAT = "parcours-evaluation"
VERSION = 1
# Integer answers that would identify in plain: exported as bands.
BANDED_ANSWERS = {"p02_age": bands.age_band, "p07_length_of_stay": bands.years_band}
FAMILY_CODES = [
    "status",
    "referral_route",
    "status_at_entry",
    "procedure_status",
    "resolution",
    "engagement_at_closure",
]
MEMBER_CODES = ["role", "sex", "nationality"]


class EvaluationFileError(Exception):
    """A file that is not a valid, untouched evaluation export; names every problem."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def network_key() -> bytes:
    if not settings.PARCOURS_NETWORK_KEY:
        raise ImproperlyConfigured(
            "PARCOURS_NETWORK_KEY is not set: the projects of a network sign and check their "
            "evaluation files with one shared key (parcours generate-key makes one)"
        )
    return decode_key(settings.PARCOURS_NETWORK_KEY, "PARCOURS_NETWORK_KEY")


def export_secret() -> bytes:
    """This organisation's pseudonym secret; change it and earlier pseudonyms no longer link."""
    text = settings.PARCOURS_EXPORT_SECRET
    if not text:
        if settings.PRODUCTION:
            raise ImproperlyConfigured("PARCOURS_EXPORT_SECRET must be set in production")
        path = settings.VAR_DIR / "export-secret"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(new_key())
            path.chmod(0o600)
        text = path.read_text().strip()
    return decode_key(text, "PARCOURS_EXPORT_SECRET")


def pseudonym(secret: bytes, family: Family) -> str:
    return "N-" + hmac.new(secret, str(family.pk).encode(), hashlib.sha256).hexdigest()[:12].upper()


def _canonical(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _sign(payload: dict, key: bytes) -> str:
    return hmac.new(key, _canonical(payload), hashlib.sha256).hexdigest()


def _month(day: datetime.date | datetime.datetime | None) -> str | None:
    return day.strftime("%Y-%m") if day else None


def _member(person: Person, now: datetime.date) -> dict:
    start = person.arrival_date
    return {
        "role": person.role,
        "sex": person.sex,
        "nationality": person.nationality,
        "age_band": bands.age_band(person.age),
        "years_band": bands.years_band(completed_years(start, now)) if start else "",
    }


def _answers(response: Response) -> dict[str, str]:
    """Coded answers only: free text stays home; identifying numbers become bands."""
    types = {q.name: q.type for q in response.version.definition.answerable}
    coded = {}
    for answer in response.answers.all():
        kind = types.get(answer.code)
        if kind is None or kind == "text" or not answer.value:
            continue
        value = answer.value
        if answer.code in BANDED_ANSWERS and value.lstrip("-").isdigit():
            value = BANDED_ANSWERS[answer.code](int(value))
        elif kind == "date":
            value = value[:7]
        coded[answer.code] = value
    return coded


def export_dataset(actor, project) -> dict:
    """The signed, pseudonymised dataset of one project (audited as an export)."""
    if project.network:
        raise EvaluationFileError([f"{project.slug}: a network project holds pooled data only"])
    key, secret, now = network_key(), export_secret(), today()
    # Only families whose consent to evaluation is in force leave the organisation.
    families = (
        Family.objects.filter(project=project, pooled_from=None)
        .filter(consents_to_evaluation())
        .prefetch_related("members", "assessments__criterion")
        .order_by("referred_on", "created_at")
    )
    sheets: dict = {}
    for response in (
        Response.objects.filter(family__in=families, status=ResponseStatus.SUBMITTED)
        .select_related("version")
        .prefetch_related("answers")
        .order_by("submitted_at")
    ):
        sheets.setdefault(response.family_id, []).append(
            {
                "instrument": response.instrument,
                "submitted": response.submitted_at.isoformat(),
                "answers": _answers(response),
            }
        )
    contacts: dict = {}
    for family_id, kind, on in Contact.objects.filter(family__in=families).values_list(
        "family_id", "kind", "on"
    ):
        key_ = (kind, _month(on))
        per_family = contacts.setdefault(family_id, {})
        per_family[key_] = per_family.get(key_, 0) + 1
    rows = []
    for family in families:
        row = {code: getattr(family, code) for code in FAMILY_CODES}
        row.update(
            id=pseudonym(secret, family),
            referred=_month(family.referred_on),
            admitted=_month(family.admitted_on),
            closed=_month(family.closed_on),
            not_met=sorted(
                a.criterion.code for a in family.assessments.all() if a.result == "not_met"
            ),
            members=[_member(p, now) for p in family.members.all()],
            contacts=[[k, m, n] for (k, m), n in sorted(contacts.get(family.pk, {}).items())],
            sheets=sheets.get(family.pk, []),
        )
        rows.append(row)
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "organisation": project.organisation.name,
        "project": project.name,
        "country": project.country.code,
        "exported_at": timezone.now().isoformat(),
        "criteria": [
            {"code": c.code, "label_nl": c.label_nl, "label_fr": c.label_fr, "label_en": c.label_en}
            for c in project.criteria.all()
        ],
        "families": rows,
    }
    record(actor, AuditAction.EXPORT, project)
    return {"payload": payload, "key_id": key_id(key), "signature": _sign(payload, key)}


def dump(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


def verified_payload(name: str, data: bytes) -> dict:
    """The payload of an untouched export signed with this network's key, or the reason not."""
    try:
        document = json.loads(data)
        payload, signature = document["payload"], document["signature"]
    except (ValueError, KeyError, TypeError):
        raise EvaluationFileError([f"{name}: not a Parcours evaluation export"]) from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise EvaluationFileError([f"{name}: not a Parcours evaluation export"])
    if payload.get("version") != VERSION:
        raise EvaluationFileError([f"{name}: format version {payload.get('version')} unknown"])
    if not isinstance(signature, str) or not hmac.compare_digest(
        signature, _sign(payload, network_key())
    ):
        raise EvaluationFileError(
            [
                f"{name}: the signature does not match: the file was changed after it was "
                "exported, or signed with another network key"
            ]
        )
    return payload


@dataclass
class Loaded:
    source: PooledSource
    families: int
    sheets: int
    replaced: bool


def _choices(model, name: str) -> set[str]:
    field = model._meta.get_field(name)
    return {str(value) for value, _label in field.choices if value} | {""}


def _problems(name: str, payload: dict) -> list[str]:
    """Every value that would not load, named by file, family and field."""
    errors = []
    allowed = {code: _choices(Family, code) for code in FAMILY_CODES}
    member_allowed = {
        "role": {str(v) for v in PersonRole.values},
        "sex": _choices(Person, "sex"),
    }
    kinds = _choices(Contact, "kind")
    codes = {c.get("code") for c in payload.get("criteria", [])}
    instruments = _choices(Response, "instrument")
    if not isinstance(payload.get("families"), list):
        return [f"{name}: it holds no list of families"]
    for header in ("organisation", "project"):
        if not isinstance(payload.get(header), str) or not payload[header].strip():
            errors.append(f"{name}: {header} is missing")
    if not _parse_moment(payload.get("exported_at")):
        errors.append(f"{name}: exported_at {payload.get('exported_at')!r} is not a date and time")
    for i, row in enumerate(payload["families"], start=1):
        where = f"{name}: family {i} ({row.get('id', '?')})"
        for code in FAMILY_CODES:
            if str(row.get(code) or "") not in allowed[code]:
                errors.append(f"{where}: {code} {row.get(code)!r} is not a known code")
        for month_field in ("referred", "admitted", "closed"):
            value = row.get(month_field)
            if value is not None and not _parse_month(value):
                errors.append(f"{where}: {month_field} {value!r} is not a month (YYYY-MM)")
        if not row.get("referred") or not row.get("id"):
            errors.append(f"{where}: id and referred are required")
        for person in row.get("members", []):
            for field_, values in member_allowed.items():
                if str(person.get(field_) or "") not in values:
                    errors.append(f"{where}: member {field_} {person.get(field_)!r} unknown")
            if person.get("age_band", "") not in dict(bands.AGE_BANDS) | {"": 0}:
                errors.append(f"{where}: age band {person.get('age_band')!r} unknown")
            if person.get("years_band", "") not in dict(bands.YEARS_BANDS) | {"": 0}:
                errors.append(f"{where}: years band {person.get('years_band')!r} unknown")
        for kind, month, _n in row.get("contacts", []):
            if kind not in kinds or not _parse_month(month):
                errors.append(f"{where}: contact {kind!r} in {month!r} unknown")
        for code in row.get("not_met", []):
            if code not in codes:
                errors.append(f"{where}: criterion {code!r} is not among the file's criteria")
        for sheet in row.get("sheets", []):
            if sheet.get("instrument") not in instruments - {""}:
                errors.append(f"{where}: instrument {sheet.get('instrument')!r} unknown")
            if not _parse_moment(sheet.get("submitted")):
                errors.append(
                    f"{where}: submitted {sheet.get('submitted')!r} is not a date and time"
                )
            if not isinstance(sheet.get("answers", {}), dict):
                errors.append(f"{where}: a sheet's answers are not a list of codes and values")
    return errors


def _parse_moment(text) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _parse_month(text) -> datetime.date | None:
    try:
        year, month = str(text).split("-")
        if len(year) != 4 or len(month) != 2:
            return None
        return datetime.date(int(year), int(month), 1)
    except ValueError:
        return None


def import_datasets(actor, project, files: list[tuple[str, bytes]]) -> list[Loaded]:
    """Load signed exports into a network project: every file checked first, then all of
    them in one transaction; a newer export of the same project replaces the older one."""
    if not project.network:
        raise EvaluationFileError(
            [f"{project.slug}: not a network project (create one with --network)"]
        )
    checked, errors = [], []
    for name, data in files:
        try:
            payload = verified_payload(name, data)
        except EvaluationFileError as error:
            errors.extend(error.errors)
            continue
        errors.extend(_problems(name, payload))
        checked.append((payload, hashlib.sha256(data).hexdigest()))
    if errors:
        raise EvaluationFileError(errors)
    with transaction.atomic():
        return [_load(actor, project, payload, digest) for payload, digest in checked]


def _load(actor, project, payload: dict, digest: str) -> Loaded:
    earlier = PooledSource.objects.filter(
        project=project, organisation=payload["organisation"], name=payload["project"]
    )
    replaced = earlier.exists()
    earlier.delete()
    source = PooledSource.objects.create(
        project=project,
        organisation=payload["organisation"],
        name=payload["project"],
        country=payload.get("country", ""),
        exported_at=_parse_moment(payload["exported_at"]),
        digest=digest,
        imported_by=actor.user,
    )
    criteria = {}
    for item in payload.get("criteria", []):
        criteria[item["code"]], _created = EligibilityCriterion.objects.get_or_create(
            project=project,
            code=item["code"],
            defaults={k: item.get(k, "") for k in ("label_nl", "label_fr", "label_en")},
        )
    versions = {}
    families, people, contacts, assessments, responses, answers = [], [], [], [], [], []
    for row in payload["families"]:
        family = Family(
            project=project,
            pooled_from=source,
            case_number=row["id"],
            referred_on=_parse_month(row["referred"]),
            admitted_on=_parse_month(row["admitted"]) if row.get("admitted") else None,
            closed_on=_parse_month(row["closed"]) if row.get("closed") else None,
            **{code: row.get(code) or "" for code in FAMILY_CODES},
        )
        family.status = family.status or FamilyStatus.REFERRED
        families.append(family)
        for member in row.get("members", []):
            people.append(
                Person(
                    family=family,
                    **{code: member.get(code) or "" for code in MEMBER_CODES},
                    age_band=member.get("age_band", ""),
                    years_band=member.get("years_band", ""),
                )
            )
        for kind, month, n in row.get("contacts", []):
            contacts.extend(
                Contact(family=family, kind=kind, on=_parse_month(month), author=actor.user)
                for _ in range(int(n))
            )
        for code in row.get("not_met", []):
            assessments.append(
                ScreeningAssessment(
                    family=family,
                    criterion=criteria[code],
                    result="not_met",
                    assessed_by=actor.user,
                )
            )
        for sheet in row.get("sheets", []):
            code = sheet["instrument"]
            if code not in versions:
                versions[code] = InstrumentVersion.objects.active(code)
            submitted = _parse_moment(sheet["submitted"])
            response = Response(
                family=family,
                version=versions[code],
                instrument=code,
                status=ResponseStatus.SUBMITTED,
                author=actor.user,
                submitted_at=submitted,
                imported=True,
            )
            responses.append(response)
            answers.extend(
                Answer(response=response, code=q, value=str(v))
                for q, v in sheet.get("answers", {}).items()
            )
    Family.objects.bulk_create(families)
    Person.objects.bulk_create(people)
    Contact.objects.bulk_create(contacts)
    ScreeningAssessment.objects.bulk_create(assessments)
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(answers)
    figures.refresh([family.pk for family in families])  # the report counts their members
    record(actor, AuditAction.CREATE, source)
    return Loaded(source, len(families), len(responses), replaced)
