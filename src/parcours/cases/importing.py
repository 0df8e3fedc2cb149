"""Families from a spreadsheet, for teams moving from Excel: one row per person, rows with the
same case number form one family, which becomes active on its admission date.

Required columns: case, role, given_name, family_name, admitted_on. Optional: birth_date
(YYYY-MM-DD or YYYY), sex, nationality (ISO alpha-2, stateless, unknown), arrival_date,
status_at_entry, case_manager (username), referred_on, referral_route, languages,
interpreter_needed (yes/no), evaluation_consent (the date the family consented to evaluation,
so that migrated families keep it). All or nothing; a case already in the project is left as
it is.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django_countries import countries

from parcours.accounts.models import Role, User
from parcours.cases import duplicates, figures
from parcours.cases.ages import reckon_people
from parcours.cases.choices import (
    STATELESS,
    UNKNOWN,
    FamilyStatus,
    PersonRole,
    ReferralRoute,
    Sex,
    StatusAtEntry,
)
from parcours.cases.models import (
    CaseNumberCounter,
    Family,
    FamilyFigures,
    NameToken,
    Person,
    ReckonedAge,
    StatusChange,
    today,
)
from parcours.cases.services import index_names
from parcours.database import insert_objects
from parcours.privacy.audit import Actor, record_many
from parcours.privacy.fields import PartialDate
from parcours.privacy.models import AuditAction
from parcours.spreadsheets import read_table

REQUIRED = ["case", "role", "given_name", "family_name", "admitted_on"]
OPTIONAL = [
    "birth_date",
    "sex",
    "nationality",
    "arrival_date",
    "status_at_entry",
    "case_manager",
    "referred_on",
    "referral_route",
    "languages",
    "interpreter_needed",
    "evaluation_consent",
]
FAMILY_FIELDS = [
    "admitted_on",
    "status_at_entry",
    "case_manager",
    "referred_on",
    "referral_route",
    "languages",
    "interpreter_needed",
    "evaluation_consent",
]
MAX_ERRORS = 50


@dataclass
class ImportResult:
    created: int  # families written
    kept: int  # families of the file already in the project, left as they were
    possible_duplicates: int = 0  # earlier files that new families may be (to check)


class CaseImportError(Exception):
    def __init__(self, errors):
        super().__init__("\n".join(errors))
        self.errors = errors


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def validate(project, name: str, data: bytes) -> dict[str, dict]:
    """{case: {"family": {...}, "people": [{...}]}} or CaseImportError naming every bad cell."""
    header, rows = read_table(name, data)
    header = [h.lower() for h in header]
    errors = [f"missing column: {c}" for c in REQUIRED if c not in header]
    errors += [f"unknown column: {c}" for c in header if c and c not in REQUIRED + OPTIONAL]
    if errors:
        raise CaseImportError(errors)
    managers = {
        u.username: u
        for u in User.objects.filter(
            memberships__project=project, memberships__role=Role.CASE_MANAGER, is_active=True
        )
    }
    nationalities = {*dict(countries), STATELESS, UNKNOWN}
    now = today()
    cases: dict[str, dict] = {}
    for number, row in enumerate(rows, start=2):
        cells = {h: _text(v) for h, v in zip(header, row, strict=False) if h}
        if not any(cells.values()):
            continue

        def bad(column, why, cells=cells, number=number):
            errors.append(f"row {number}, column {column}, {cells.get(column, '')!r}: {why}")

        for column in REQUIRED:
            if not cells.get(column):
                bad(column, "required")
        person, family = {}, {}
        if cells.get("role") and cells["role"] not in PersonRole.values:
            bad("role", f"one of {', '.join(PersonRole.values)}")
        if cells.get("birth_date"):
            try:
                birth = PartialDate.parse(cells["birth_date"])
                if birth.year > now.year:
                    bad("birth_date", "in the future")
                person["birth_date"] = birth
            except ValidationError:
                bad("birth_date", "YYYY-MM-DD or YYYY")
        if cells.get("sex") and cells["sex"] not in Sex.values:
            bad("sex", f"one of {', '.join(Sex.values)}")
        if cells.get("nationality") and cells["nationality"] not in nationalities:
            bad("nationality", "an ISO 3166 alpha-2 code, stateless or unknown")
        for column in ("arrival_date", "admitted_on", "referred_on", "evaluation_consent"):
            if cells.get(column):
                try:
                    day = _date(cells[column])
                    if day > now:
                        bad(column, "in the future")
                    (family if column != "arrival_date" else person)[column] = day
                except ValueError:
                    bad(column, "a date YYYY-MM-DD")
        if cells.get("status_at_entry") and cells["status_at_entry"] not in StatusAtEntry.values:
            bad("status_at_entry", f"one of {', '.join(StatusAtEntry.values)}")
        if cells.get("referral_route") and cells["referral_route"] not in ReferralRoute.values:
            bad("referral_route", f"one of {', '.join(ReferralRoute.values)}")
        if cells.get("case_manager") and cells["case_manager"] not in managers:
            bad("case_manager", f"not a case manager of {project.slug}")
        if cells.get("interpreter_needed", "").lower() not in (
            "",
            "yes",
            "no",
            "true",
            "false",
            "1",
            "0",
        ):
            bad("interpreter_needed", "yes or no")
        case = cells.get("case", "")
        entry = cases.setdefault(case, {"family": {}, "people": [], "row": number})
        for column in FAMILY_FIELDS:
            value = cells.get(column, "")
            if not value:
                continue
            known = entry["family"].get(column)
            if known is not None and known != value:
                bad(column, f"differs from row {entry['row']} of the same case ({known!r})")
            entry["family"][column] = value
        entry["people"].append({**cells, **person})
        if len(errors) >= MAX_ERRORS:
            errors.append("… and possibly more; correct these first")
            break
    for entry in cases.values():
        admitted = entry["family"].get("admitted_on")
        referred = entry["family"].get("referred_on")
        if admitted and referred and referred > admitted:
            errors.append(
                f"row {entry['row']}, column referred_on, {referred!r}: after admitted_on"
            )
    if errors:
        raise CaseImportError(errors)
    if not cases:
        raise CaseImportError(["the file has no rows"])
    return cases


BATCH = 1000  # families written at once
# The tables an import grows, whose statistics are taken again after it.
GROWN = (Family, Person, NameToken, ReckonedAge, StatusChange, FamilyFigures)


@transaction.atomic
def import_cases(actor: Actor, project, name: str, data: bytes, progress=None) -> ImportResult:
    """Write the file's new families a batch at a time (``progress(step, done, total)`` hears
    how many): the same rows, index entries, age bands and audit rows as a referral saved one
    by one, without a query per row. Into a project that already had files, each new family
    is also compared with the earlier files (``parcours.cases.duplicates``)."""
    cases = validate(project, name, data)
    existing = set(
        Family.objects.filter(project=project, case_number__in=cases).values_list(
            "case_number", flat=True
        )
    )
    had_files = Family.objects.filter(project=project).exists()
    managers = {u.username: u.pk for u in User.objects.filter(memberships__project=project)}
    new = [(case, entry) for case, entry in cases.items() if case not in existing]
    result = ImportResult(created=len(new), kept=len(existing))
    for start in range(0, len(new), BATCH):
        written = _write(actor, project, new[start : start + BATCH], managers)
        if had_files:
            for family, people in written:
                found = duplicates.look_for_earlier_files(actor, family, people)
                result.possible_duplicates += len(found)
        if progress is not None:
            progress("Families", min(start + BATCH, len(new)), len(new))
    _advance_counters(project, [case for case, _entry in new])
    return result


def _write(actor: Actor, project, batch, managers) -> list[tuple[Family, list[Person]]]:
    """One batch of families with their members, consents, first status and index rows."""
    families, people, links, consents, changes, written = [], [], [], [], [], []
    consent_model = Family.consents.rel.related_model  # casework's, reached by the relation
    for case, entry in batch:
        f = entry["family"]
        admitted = _date(f["admitted_on"])
        family = Family(
            project=project,
            case_number=case,
            status=FamilyStatus.ACTIVE,
            referred_on=_date(f["referred_on"]) if f.get("referred_on") else admitted,
            referral_route=f.get("referral_route") or ReferralRoute.OTHER,
            admitted_on=admitted,
            status_at_entry=f.get("status_at_entry", ""),
            languages=f.get("languages", ""),
            interpreter_needed=f.get("interpreter_needed", "").lower() in ("yes", "true", "1"),
        )
        families.append(family)
        if f.get("case_manager"):
            links.append(
                Family.case_managers.through(family=family, user_id=managers[f["case_manager"]])
            )
        if f.get("evaluation_consent"):
            consents.append(
                consent_model(
                    family=family,
                    purpose="evaluation",
                    given_on=_date(f["evaluation_consent"]),
                    recorded_by=actor.user,
                )
            )
        changes.append(
            StatusChange(
                family=family,
                to_status=FamilyStatus.ACTIVE,
                transition="import",
                by=actor.user,
                reason="Imported from a spreadsheet",
            )
        )
        members = [
            Person(
                family=family,
                role=person["role"],
                given_name=person["given_name"],
                family_name=person["family_name"],
                birth_date=person.get("birth_date") or None,
                sex=person.get("sex") or Sex.UNKNOWN,
                nationality=person.get("nationality", ""),
                arrival_date=person.get("arrival_date") or None,
            )
            for person in entry["people"]
        ]
        people.extend(members)
        written.append((family, members))
    insert_objects(Family, families)
    Family.case_managers.through.objects.bulk_create(links)
    insert_objects(consent_model, consents)
    StatusChange.objects.bulk_create(changes)
    insert_objects(Person, people)
    index_names(people)
    reckon_people(people)
    record_many(actor, AuditAction.CREATE, [*families, *consents, *people])
    figures.refresh([family.pk for family in families])
    return written


def _advance_counters(project, cases: list[str]) -> None:
    """Imported PREFIX-YEAR-NNN numbers move the project's counters, so new numbers never
    collide."""
    highest: dict[int, int] = {}
    pattern = re.compile(rf"{re.escape(project.case_number_prefix)}-(\d{{4}})-(\d+)")
    for case in cases:
        match = pattern.fullmatch(case)
        if match:
            year, number = int(match.group(1)), int(match.group(2))
            highest[year] = max(highest.get(year, 0), number)
    for year, number in highest.items():
        counter, _new = CaseNumberCounter.objects.select_for_update().get_or_create(
            project=project, year=year
        )
        if counter.last < number:
            counter.last = number
            counter.save(update_fields=["last"])
