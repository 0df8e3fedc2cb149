"""Families at volume, with their whole file, for trials and benchmarks.

Every value comes from one seeded generator, so the same seed, sizes and day give the same
families, names, dates, answers and case numbers. Rows are written in batches through the
models (so every personal field is encrypted and every name is in the blind index as the
product writes them), the sheets through the import's own ``store`` (fingerprints, audit), and
each batch of families is in the audit trail. What is made also imports again: ``write_files``
writes it as ``import-cases`` and ``import-responses`` take it.
"""

import datetime
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from faker import Faker

from parcours.accounts.models import Membership, Role
from parcours.cases import figures, tallies
from parcours.cases.choices import (
    Assessment,
    EngagementAtClosure,
    FamilyStatus,
    HousingKind,
    HousingStability,
    Livelihood,
    PersonRole,
    ProcedureStatus,
    ReferralRoute,
    Resolution,
    Sex,
    StatusAtEntry,
)
from parcours.cases.models import (
    AssignmentChange,
    CaseNumberCounter,
    Family,
    Person,
    ScreeningAssessment,
    StatusChange,
)
from parcours.cases.services import index_names
from parcours.casework.choices import ActionActor, ActionStatus, ConsentPurpose, ContactKind
from parcours.casework.models import Action, CasePlan, Consent, Contact
from parcours.database import insert_objects, refresh_statistics
from parcours.instruments.answers import check
from parcours.instruments.models import InstrumentVersion, Response, ResponseStatus
from parcours.instruments.transfer import Reading, Row, export_rows, store
from parcours.legal.choices import EventKind, ProcedureType
from parcours.legal.choices import ProcedureStatus as LegalStatus
from parcours.legal.models import Document, DocumentKind, Procedure, TimelineEvent
from parcours.privacy import files
from parcours.privacy.audit import Actor, record_many
from parcours.privacy.fields import PartialDate
from parcours.privacy.models import AuditAction
from parcours.projects.models import Project
from parcours.projects.services import create_project
from parcours.spreadsheets import write_table

# Countries of origin (the seed's), with a Faker locale that writes such names in Latin script.
ORIGINS = [
    ("IQ", "fr_DZ", "Arabic"),
    ("NP", "en_IN", "Nepali"),
    ("MA", "fr_DZ", "Arabic, French"),
    ("SO", "sw", "Somali"),
    ("RW", "en_KE", "Kinyarwanda"),
    ("CD", "fr_FR", "Lingala, French"),
    ("PK", "en_PK", "Urdu"),
    ("LR", "en_NG", "English"),
    ("XK", "sq_AL", "Albanian, Romani"),
    ("AL", "sq_AL", "Albanian"),
]
# As in the seed: a third of the referrals never admitted, most of the admitted still active.
STATUSES = {
    FamilyStatus.REFERRED: 3,
    FamilyStatus.SCREENING: 3,
    FamilyStatus.DECLINED: 3,
    FamilyStatus.WITHDRAWN: 1,
    FamilyStatus.ACTIVE: 9,
    FamilyStatus.PAUSED: 2,
    FamilyStatus.CLOSED: 3,
}
ADMITTED = {FamilyStatus.ACTIVE, FamilyStatus.PAUSED, FamilyStatus.CLOSED}
NOTES = [
    "Went through the letters from the immigration office together.",
    "The children are doing well at school; the mother worries about the appeal.",
    "Accompanied the father to the lawyer; the file is complete.",
    "Talked about the options, including a return, without pressure.",
    "Housing is unstable again; looked for a shelter for the winter.",
    "",
]
WHY = ["Seen at home visits.", "The family said so.", "From the lawyer's letters.", ""]
BARRIERS = ["Slow decisions by the authorities.", "Unstable housing took the family's energy.", ""]
BASELINE_EVERY = datetime.timedelta(days=182)
NAME_POOL = 300  # names drawn per locale and kind; enough variety, drawn once
CASES_PER_MANAGER = 40  # open files per case manager
BUSY_FAMILY_CONTACTS = 1000  # one family with a long history (the family page's worst case)


@dataclass
class Sizes:
    families: int
    contacts: int | None = None  # default: 10 per admitted family
    sheets: int | None = None  # default: one per family
    documents: int | None = None  # default: one family in ten, each with a small file

    def resolved(self) -> "Sizes":
        return Sizes(
            self.families,
            self.contacts if self.contacts is not None else self.families * 10,
            self.sheets if self.sheets is not None else self.families,
            self.documents if self.documents is not None else self.families // 10,
        )


class Generator:
    """Generates ``sizes`` into ``project`` (made with a team if it does not exist)."""

    def __init__(self, slug: str, sizes: Sizes, seed: int = 1, as_of=None, progress=None):
        self.sizes = sizes.resolved()
        self.rng = random.Random(seed)
        self.as_of = as_of or timezone.localdate()
        self.progress = progress or (lambda step, done, total: None)
        self.seed = seed
        self.slug = slug
        self.made = Counter()

    # -- set-up ----------------------------------------------------------------------------

    def _project(self) -> Project:
        project = Project.objects.filter(slug=self.slug).first()
        if project is None:
            project = create_project(
                organisation_name="Generated",
                slug=self.slug,
                name=f"Generated ({self.slug})",
                prefix=self.slug[:4].upper(),
            )
        return project

    def _team(self, project):
        """Case managers for ~40 open files each, and a coordinator; they cannot sign
        in (no usable password) until an administrator gives them one."""
        users = get_user_model()
        open_share = (STATUSES[FamilyStatus.ACTIVE] + STATUSES[FamilyStatus.PAUSED]) / sum(
            STATUSES.values()
        )
        wanted = max(2, round(self.sizes.families * open_share / CASES_PER_MANAGER))
        names = [f"{self.slug}-cm{i:04d}" for i in range(wanted)] + [f"{self.slug}-coordinator"]
        existing = set(users.objects.filter(username__in=names).values_list("username", flat=True))
        new = [users(username=n, first_name=n) for n in names if n not in existing]
        for user in new:
            user.set_unusable_password()
        users.objects.bulk_create(new)
        by_name = {u.username: u for u in users.objects.filter(username__in=names)}
        Membership.objects.bulk_create(
            [
                Membership(
                    user=by_name[n],
                    project=project,
                    role=Role.COORDINATOR if n.endswith("coordinator") else Role.CASE_MANAGER,
                )
                for n in names
            ],
            ignore_conflicts=True,
        )
        return [by_name[n] for n in names[:-1]], by_name[names[-1]]

    def _names(self) -> dict[str, dict[str, list[str]]]:
        pools = {}
        for index, locale in enumerate(sorted({loc for _c, loc, _l in ORIGINS})):
            fake = Faker(locale)
            fake.seed_instance(self.seed * 1000 + index)
            pools[locale] = {
                "female": [fake.first_name_female() for _ in range(NAME_POOL)],
                "male": [fake.first_name_male() for _ in range(NAME_POOL)],
                "family": [fake.last_name() for _ in range(NAME_POOL)],
            }
        return pools

    def _day(self, earliest, latest) -> datetime.date:
        return earliest + datetime.timedelta(
            days=self.rng.randint(0, max((latest - earliest).days, 0))
        )

    def _moment(self, day) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)

    # -- the run ---------------------------------------------------------------------------

    def run(self, batch: int = 1000) -> Counter:
        if connection.vendor == "sqlite":  # keep the growing indexes in memory while loading
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -262144")  # 256 MB, this connection only
        project = self._project()
        managers, coordinator = self._team(project)
        self.project, self.managers, self.coordinator = project, managers, coordinator
        self.actor = Actor(coordinator, page="command:generate")
        self.pools = self._names()
        self.criteria = list(project.criteria.filter(active=True))
        self.kinds = list(DocumentKind.objects.all())
        counters = dict(
            CaseNumberCounter.objects.filter(project=project).values_list("year", "last")
        )
        self.numbers = Counter(counters)
        sizes = self.sizes
        plan = self._plan()
        admitted_total = sum(1 for status in plan if status in ADMITTED)
        contacts = self._split(sizes.contacts, admitted_total)
        if sizes.contacts >= 10 * BUSY_FAMILY_CONTACTS and contacts:
            contacts = self._split(sizes.contacts - BUSY_FAMILY_CONTACTS, admitted_total - 1)
            contacts.insert(0, BUSY_FAMILY_CONTACTS)
        self.contact_quota = iter(contacts)
        self.sheet_quota = iter(self._split(sizes.sheets, admitted_total))
        self.documents_left = sizes.documents
        for start in range(0, len(plan), batch):
            with transaction.atomic():
                self._batch(plan[start : start + batch])
            self.progress("families", min(start + batch, len(plan)), len(plan))
        with transaction.atomic():
            for year, last in self.numbers.items():
                CaseNumberCounter.objects.update_or_create(
                    project=project, year=year, defaults={"last": last}
                )
        tallies.fold()  # each batch's signed rows, one row per value
        refresh_statistics()  # after a bulk load
        return self.made

    def _plan(self) -> list[str]:
        statuses, weights = zip(*STATUSES.items(), strict=True)
        return self.rng.choices(statuses, weights=weights, k=self.sizes.families)

    def _batch(self, statuses: list[str]) -> None:
        families, members, story = [], [], []
        for status in statuses:
            family, household, dates = self._family(status)
            families.append(family)
            members.extend(household)
            story.append((family, household, dates))
        insert_objects(Family, families)
        insert_objects(Person, members)
        index_names(members)
        self._lifecycle(story)
        admitted = [(f, h, d) for f, h, d in story if f.status in ADMITTED]
        self._casework(admitted)
        self._legal(admitted)
        self._sheets(admitted)
        record_many(self.actor, AuditAction.CREATE, families)
        figures.refresh([f.pk for f in families])  # as the services would, in the batch
        self.made.update(families=len(families), persons=len(members))

    # -- one family ------------------------------------------------------------------------

    def _family(self, status: str):
        rng = self.rng
        country, locale, languages = rng.choice(ORIGINS)
        recent = status in (FamilyStatus.REFERRED, FamilyStatus.SCREENING)
        referred_on = self.as_of - datetime.timedelta(
            days=rng.randint(0, 60) if recent else rng.randint(150, 6 * 365)
        )
        dates = {"referred": referred_on}
        family = Family(
            project=self.project,
            status=status,
            referred_on=referred_on,
            referral_route=rng.choice(list(ReferralRoute)),
            languages=languages,
            interpreter_needed=rng.random() < 0.4,
            address=f"Rue {rng.choice(self.pools['fr_FR']['family'])} {rng.randint(1, 200)}, "
            f"{rng.choice(['1000 Brussel', '1030 Schaerbeek', '2000 Antwerpen', '9000 Gent'])}",
            phone=f"+32 4{rng.randint(70, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)}",
            housing_kind=rng.choice(list(HousingKind)),
            housing_stability=rng.choice(list(HousingStability)),
            livelihood=rng.choice(list(Livelihood)),
            status_at_entry=rng.choices(list(StatusAtEntry), weights=[11, 1, 1, 1])[0],
            procedure_status=rng.choices(list(ProcedureStatus), weights=[2, 1, 2, 7, 1, 1])[0],
            referral_notes=rng.choice(NOTES),
        )
        if status in ADMITTED:
            admitted_on = min(
                referred_on + datetime.timedelta(days=rng.randint(10, 40)), self.as_of
            )
            family.admitted_on = admitted_on
            self.numbers[admitted_on.year] += 1
            family.case_number = (
                f"{self.project.case_number_prefix}-{admitted_on.year}-"
                f"{self.numbers[admitted_on.year]:03d}"
            )
            dates["admitted"] = admitted_on
            dates["until"] = self.as_of
            if status == FamilyStatus.CLOSED:
                closed_on = self._day(admitted_on + datetime.timedelta(days=90), self.as_of)
                family.closed_on = dates["until"] = closed_on
                family.resolution, family.engagement_at_closure = rng.choice(
                    [
                        (Resolution.STAY_TEMPORARY, EngagementAtClosure.REMAINED_ENGAGED),
                        (Resolution.NONE, EngagementAtClosure.STOPPED),
                        (Resolution.VOLUNTARY_RETURN, EngagementAtClosure.REMAINED_ENGAGED),
                    ]
                )
        family.manager = self.managers[self.rng.randrange(len(self.managers))]
        return family, self._household(family, country, locale), dates

    def _household(self, family, country, locale) -> list[Person]:
        rng = self.rng
        names = self.pools[locale]
        family_name = rng.choice(names["family"])
        years_here = rng.choice([1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 14, 18])
        arrived = family.referred_on - datetime.timedelta(days=365 * years_here)
        people = [(PersonRole.PARENT, Sex.FEMALE, rng.randint(20, 35) + years_here)]
        if rng.random() < 0.7:
            people.append((PersonRole.PARENT, Sex.MALE, rng.randint(22, 40) + years_here))
        for _child in range(rng.choices([0, 1, 2, 3, 4, 5], weights=[1, 4, 5, 3, 2, 1])[0]):
            people.append(
                (PersonRole.CHILD, rng.choice([Sex.FEMALE, Sex.MALE]), rng.randint(0, 17))
            )
        members = []
        for role, sex, age in people:
            born = self.as_of.year - age
            born_here = role == PersonRole.CHILD and age < years_here
            members.append(
                Person(
                    family=family,
                    role=role,
                    given_name=rng.choice(names["female" if sex == Sex.FEMALE else "male"]),
                    family_name=family_name,
                    sex=sex,
                    birth_date=PartialDate.parse(
                        f"{born}"
                        if rng.random() < 0.1
                        else f"{born}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                    ),
                    nationality="stateless" if country == "XK" and rng.random() < 0.3 else country,
                    country_of_birth="BE" if born_here else country,
                    arrival_date=None if born_here else arrived,
                )
            )
        return members

    # -- the rest of the file --------------------------------------------------------------

    def _lifecycle(self, story) -> None:
        """Each family's steps, dated as its story says, and its case managers."""
        changes, assessments, assignments, links = [], [], [], []
        through = Family.case_managers.through
        for family, _household, dates in story:
            by, boss = family.manager, self.coordinator
            steps = [("", FamilyStatus.REFERRED, "refer", dates["referred"], by, "")]
            status = family.status
            if status != FamilyStatus.REFERRED:
                screened = dates["referred"] + datetime.timedelta(days=3)
                if status == FamilyStatus.WITHDRAWN:
                    steps.append(
                        (FamilyStatus.REFERRED, status, "withdraw", screened, by, "Moved away.")
                    )
                else:
                    steps.append(
                        (
                            FamilyStatus.REFERRED,
                            FamilyStatus.SCREENING,
                            "start_screening",
                            screened,
                            by,
                            "",
                        )
                    )
                    assessments += [
                        ScreeningAssessment(
                            family=family, criterion=c, result=Assessment.MET, assessed_by=by
                        )
                        for c in self.criteria
                    ]
            if status == FamilyStatus.DECLINED:
                day = dates["referred"] + datetime.timedelta(days=10)
                steps.append(
                    (FamilyStatus.SCREENING, status, "decline", day, boss, "Criteria not met.")
                )
            if status in ADMITTED:
                steps.append(
                    (
                        FamilyStatus.SCREENING,
                        FamilyStatus.ACTIVE,
                        "admit",
                        dates["admitted"],
                        boss,
                        "",
                    )
                )
                links.append(through(family_id=family.pk, user_id=by.pk))
                assignments.append(
                    AssignmentChange(
                        family=family,
                        user=by,
                        kind=AssignmentChange.Kind.ASSIGNED,
                        by=boss,
                        at=self._moment(dates["admitted"]),
                    )
                )
            if status == FamilyStatus.PAUSED:
                steps.append(
                    (FamilyStatus.ACTIVE, status, "pause", self.as_of, by, "Asked for time.")
                )
            if status == FamilyStatus.CLOSED:
                steps.append((FamilyStatus.ACTIVE, status, "close", family.closed_on, boss, ""))
            changes += [
                StatusChange(
                    family=family,
                    from_status=a,
                    to_status=b,
                    transition=t,
                    at=self._moment(day),
                    by=user,
                    reason=reason,
                )
                for a, b, t, day, user, reason in steps
            ]
        insert_objects(StatusChange, changes)
        insert_objects(ScreeningAssessment, assessments)
        insert_objects(AssignmentChange, assignments)
        insert_objects(through, links)

    def _split(self, total: int, parts: int) -> list[int]:
        """``total`` records over ``parts`` families, unevenly (half to one and a half times
        the mean each), adding up exactly."""
        if parts <= 0:
            return []
        weights = [self.rng.uniform(0.5, 1.5) for _ in range(parts)]
        scale = total / sum(weights)
        shares = [int(w * scale) for w in weights]
        for index in self.rng.sample(range(parts), total - sum(shares)):
            shares[index] += 1
        return shares

    def _casework(self, admitted) -> None:
        rng = self.rng
        contacts, plans, actions, consents = [], [], [], []
        for family, _household, dates in admitted:
            count = next(self.contact_quota)
            for _contact in range(count):
                contacts.append(
                    Contact(
                        family=family,
                        kind=rng.choice(list(ContactKind)),
                        on=self._day(dates["admitted"], dates["until"]),
                        minutes=rng.choice([15, 30, 45, 60, 90]),
                        interpreter=rng.random() < 0.3,
                        note=rng.choice(NOTES),
                        author=family.manager,
                    )
                )
            plans.append(
                CasePlan(
                    family=family,
                    strengths="The parents keep every appointment; a strong church network.",
                    needs="Stable housing; a lawyer for the appeal.",
                )
            )
            for description in ("Ask the lawyer for the file", "Find a school for the youngest"):
                done = rng.random() < 0.6
                actions.append(
                    Action(
                        family=family,
                        description=description,
                        actor=rng.choice(list(ActionActor)),
                        due_on=self._day(
                            dates["admitted"], dates["until"] + datetime.timedelta(days=30)
                        ),
                        status=ActionStatus.DONE if done else ActionStatus.OPEN,
                        completed_on=dates["until"] if done else None,
                        created_by=family.manager,
                    )
                )
            if rng.random() < 0.8:
                consents.append(
                    Consent(
                        family=family,
                        purpose=ConsentPurpose.EVALUATION,
                        given_on=dates["admitted"],
                        recorded_by=family.manager,
                    )
                )
        insert_objects(Contact, contacts)
        insert_objects(CasePlan, plans)
        insert_objects(Action, actions)
        insert_objects(Consent, consents)
        self.made.update(contacts=len(contacts), actions=len(actions))

    def _legal(self, admitted) -> None:
        rng = self.rng
        procedures, events, documents = [], [], []
        for family, household, dates in admitted:
            parent = household[0]
            filed = self._day(dates["referred"] - datetime.timedelta(days=700), dates["admitted"])
            procedure = Procedure(
                family=family,
                person=parent,
                type=rng.choice(
                    [ProcedureType.ASYLUM, ProcedureType.REGULARISATION_9BIS, ProcedureType.APPEAL]
                ),
                status=rng.choice([LegalStatus.PENDING, LegalStatus.REFUSED, LegalStatus.GRANTED]),
                filed_on=filed,
                reference=f"{rng.randint(100000, 999999)}",
            )
            procedures.append(procedure)
            events += [
                TimelineEvent(
                    family=family,
                    on=parent.arrival_date or filed,
                    kind=EventKind.ARRIVAL,
                    created_by=family.manager,
                ),
                TimelineEvent(
                    family=family,
                    on=filed,
                    kind=EventKind.APPLICATION,
                    procedure=procedure,
                    description="Filed with the lawyer's help.",
                    created_by=family.manager,
                ),
            ]
            if (
                self.documents_left
                and self.kinds
                and rng.random() < self.sizes.documents / max(self.sizes.families * 0.6, 1)
            ):
                self.documents_left -= 1
                documents.append(
                    Document(
                        family=family,
                        person=parent,
                        kind=rng.choice(self.kinds),
                        description="Copy of the decision",
                        issued_on=filed,
                        file_key=files.store(_letter(family.case_number, rng)),
                        file_name="decision.pdf",
                        file_type="application/pdf",
                    )
                )
        insert_objects(Procedure, procedures)
        insert_objects(TimelineEvent, events)
        insert_objects(Document, documents)
        self.made.update(procedures=len(procedures), events=len(events), documents=len(documents))

    def _sheets(self, admitted) -> None:
        """Each family's share of the sheets: a Client Summary Sheet at the end of its story
        and Baselines before it, from admission, every six months or closer when the share
        asks for more; stored by the import's own code."""
        rng = self.rng
        baseline = InstrumentVersion.objects.active("baseline", self.project)
        css = InstrumentVersion.objects.active("client_summary_sheet", self.project)
        scored = [q.name for q in baseline.definition.answerable if q.type == "integer"]
        rows = {baseline.pk: [], css.pk: []}
        for family, _household, dates in admitted:
            count = next(self.sheet_quota)
            if not count:
                continue
            rounds = count - 1
            span = (dates["until"] - dates["admitted"]).days
            every = min(BASELINE_EVERY.days, span // rounds) if rounds else 0
            scores = {code: rng.randint(2, 8) for code in scored}
            for round_ in range(rounds):
                day = dates["admitted"] + datetime.timedelta(days=every * round_)
                answers = {}
                for code, score in scores.items():
                    answers[code] = str(score)
                    why = rng.choice(WHY)
                    if why:
                        answers[f"{code}_why"] = why
                rows[baseline.pk].append(
                    Row.of(baseline.instrument, 0, family.pk, answers, self._moment(day))
                )
                scores = {
                    c: min(10, max(0, s + rng.choice([-1, 0, 1, 1]))) for c, s in scores.items()
                }
            rows[css.pk].append(
                Row.of(
                    css.instrument,
                    0,
                    family.pk,
                    self._summary(css.definition),
                    self._moment(dates["until"]),
                )
            )
        for version in (baseline, css):
            if rows[version.pk]:
                result = store(self.actor, Reading(version, rows[version.pk]))
                self.made.update(sheets=result.created)

    def _summary(self, definition) -> dict:
        rng = self.rng
        answers = {}
        for question in definition.answerable:
            if question.list_name in ("impact", "ynd") and rng.random() < 0.92:
                weights = [1, 2, 3, 6, 3, 1] if question.list_name == "impact" else [6, 3, 2]
                answers[question.name] = rng.choices(
                    definition.choice_codes(question), weights=weights
                )[0]
        barrier = rng.choice(BARRIERS)
        if barrier:
            answers["c2_barriers"] = barrier
        checked, errors = check(definition, answers, "en", complete=False)  # relevance applies
        if errors:  # the generator's own answers must fit the form
            raise ValueError(f"generated answers do not fit the form: {errors}")
        return checked


def _letter(case_number: str, rng) -> bytes:
    """A small stand-in for a scanned letter (a few kilobytes, sealed like any upload)."""
    body = f"Decision for file {case_number}. " * rng.randint(40, 120)
    return b"%PDF-1.4\n% generated by parcours generate\n" + body.encode() + b"\n%%EOF\n"


FAMILY_COLUMNS = [
    "case",
    "role",
    "given_name",
    "family_name",
    "admitted_on",
    "birth_date",
    "sex",
    "nationality",
    "arrival_date",
    "status_at_entry",
    "referred_on",
    "referral_route",
    "languages",
    "interpreter_needed",
]


def write_files(project: Project, folder: Path) -> list[Path]:
    """The project's admitted families as ``import-cases`` takes them (one row per person),
    and its submitted sheets as ``import-responses`` takes them, one file per instrument."""
    folder.mkdir(parents=True, exist_ok=True)
    families = (
        Family.objects.filter(project=project, admitted_on__isnull=False)
        .prefetch_related("members")
        .order_by("case_number")
    )

    def family_rows():
        for family in families.iterator(chunk_size=500):
            for person in family.members.all():
                yield [
                    family.case_number,
                    person.role,
                    person.given_name,
                    person.family_name,
                    family.admitted_on.isoformat(),
                    str(person.birth_date or ""),
                    person.sex,
                    person.nationality,
                    person.arrival_date.isoformat() if person.arrival_date else "",
                    family.status_at_entry,
                    family.referred_on.isoformat(),
                    family.referral_route,
                    family.languages,
                    "yes" if family.interpreter_needed else "no",
                ]

    written = [folder / "families.csv"]
    write_table(written[0], FAMILY_COLUMNS, family_rows())
    for code in ("baseline", "client_summary_sheet"):
        if not Response.objects.filter(
            family__project=project, instrument=code, status=ResponseStatus.SUBMITTED
        ).exists():
            continue
        header, rows = export_rows(code, project, pseudonymise=False)
        written.append(folder / f"{code}.csv")
        write_table(written[-1], header, rows)
    return written
