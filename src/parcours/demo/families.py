"""Synthetic demo data: an organisation, a project, its team and 24 families in every state.

Everything is drawn from one seeded generator, so the same seed and the same ``as_of`` day give
the same families, names, dates and ids. All changes go through the services, so the demo has
an audit trail and a name index like real data.
"""

import datetime
import random
import uuid
from dataclasses import dataclass

from django.db import transaction
from faker import Faker

from parcours.accounts.models import Role, User
from parcours.accounts.services import create_user
from parcours.cases import approvals, figures, services
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
from parcours.cases.models import Approval, Family, Person, StatusChange, today
from parcours.demo import legal as legal_demo
from parcours.demo.casework import CaseworkDemo
from parcours.instruments.models import Answer
from parcours.privacy.audit import Actor
from parcours.projects.models import Project
from parcours.projects.services import create_project
from parcours.reports.models import Round
from parcours.reports.sheets import release

DEMO_SLUG = "demo"
DEMO_PASSWORD = "parcours-demo"  # noqa: S105 - the printed demo login; refused in production

TEAM = [
    ("casemanager", "Sara", "Janssens", Role.CASE_MANAGER),
    ("casemanager2", "Youssef", "El Idrissi", Role.CASE_MANAGER),
    ("coordinator", "Marie", "Dubois", Role.COORDINATOR),
    ("evaluator", "Eiri", "Okada", Role.EVALUATOR),
    ("admin", "Admin", "Parcours", Role.ADMINISTRATOR),
]

# The seed's countries of origin, with a Faker locale that writes such names in Latin script.
ORIGINS = [
    ("IQ", "fr_DZ"),
    ("NP", "en_IN"),
    ("MA", "fr_DZ"),
    ("SO", "sw"),
    ("RW", "en_KE"),
    ("CD", "fr_FR"),
    ("PK", "en_PK"),
    ("LR", "en_NG"),
    ("XK", "sq_AL"),
    ("AL", "sq_AL"),
]
LANGUAGES = {
    "IQ": "Arabic",
    "NP": "Nepali",
    "MA": "Arabic, French",
    "SO": "Somali",
    "RW": "Kinyarwanda",
    "CD": "Lingala, French",
    "PK": "Urdu",
    "LR": "English",
    "XK": "Albanian, Romani",
    "AL": "Albanian",
}
ORGANISATIONS = ["Welzijnsschakels", "School in de buurt", "Caritas", "CAW Brussel", "JRS"]

# 24 referrals (like the seed's 24 referred or applied), 14 of them admitted.
PLAN = (
    [FamilyStatus.REFERRED] * 3
    + [FamilyStatus.SCREENING] * 3
    + [FamilyStatus.DECLINED] * 3
    + [FamilyStatus.WITHDRAWN] * 1
    + [FamilyStatus.ACTIVE] * 9
    + [FamilyStatus.PAUSED] * 2
    + [FamilyStatus.CLOSED] * 3
)


@dataclass
class DemoResult:
    created: bool
    families: int
    users: list[tuple[str, Role]]


def logins() -> list[tuple[str, Role]]:
    return [(username, role) for username, _f, _l, role in TEAM]


@transaction.atomic
def build(seed: int = 2020, as_of: datetime.date | None = None) -> DemoResult:
    """Create the demo project once; a second call changes nothing."""
    if Project.objects.filter(slug=DEMO_SLUG).exists():
        return DemoResult(False, Family.objects.filter(project__slug=DEMO_SLUG).count(), logins())
    as_of = as_of or today()
    rng = random.Random(seed)
    Faker.seed(seed)
    project = create_project(
        organisation_name="Demo", slug=DEMO_SLUG, name="Plan Together (demo)", prefix="PT"
    )
    team = {
        username: create_user(
            username=username,
            password=DEMO_PASSWORD,
            project=project,
            role=role,
            first_name=first,
            last_name=last,
            email=f"{username}@example.org",
        )
        for username, first, last, role in TEAM
    }
    builder = _Builder(rng, as_of, project, team)
    for index, status in enumerate(PLAN):
        builder.family(index, status)
    builder.re_referral()
    builder.known_under_another_spelling()
    builder.flags(team["coordinator"])
    builder.approvals(team["coordinator"])
    active = Family.objects.filter(project=project, status=FamilyStatus.ACTIVE).order_by(
        "case_number"
    )
    legal_demo.deadlines_ahead(list(active[:3]), as_of)
    _evaluation(project, team["coordinator"], as_of)
    # The story is dated after the fact (sheets, steps and contacts moved to the days they
    # would have happened), past the services: its figures are counted again at the end.
    figures.refresh(Family.objects.filter(project=project).values_list("pk", flat=True))
    return DemoResult(True, Family.objects.filter(project=project).count(), logins())


def _respelled(name: str) -> str:
    """A name as another clerk writes it ("Youssef" as "Yusef", "Fatima" as "Fatimah")."""
    swaps = [("ou", "u"), ("ss", "s"), ("ph", "f"), ("kh", "k"), ("ee", "i"), ("ie", "i")]
    for written, other in swaps:
        if written in name:
            return name.replace(written, other, 1)
    if name[-1:] in "aeiou":
        return name + "h"
    return name + "e"


def _evaluation(project: Project, coordinator: User, as_of: datetime.date) -> None:
    """A named evaluation round, and every other barrier named released to the evaluator."""
    Round.objects.create(
        project=project,
        name=f"Evaluation {as_of.year}",
        starts_on=as_of - datetime.timedelta(days=365),
        ends_on=max(as_of, today()),
        created_by=coordinator,
    )
    barriers = Answer.objects.filter(response__family__project=project, code="c2_barriers")
    for answer in list(barriers.exclude(text="").order_by("pk"))[::2]:
        release(coordinator, answer, released=True)


class _Builder:
    def __init__(self, rng: random.Random, as_of, project: Project, team: dict[str, User]):
        self.rng = rng
        self.as_of = as_of
        self.project = project
        self.coordinator = Actor(team["coordinator"])
        self.managers = [team["casemanager"], team["casemanager2"]]
        self.fakers = {loc: Faker(loc) for loc in {"nl_BE", "fr_BE", *dict(ORIGINS).values()}}
        for i, f in enumerate(self.fakers.values()):
            f.seed_instance(rng.randrange(1 << 30) + i)
        self.declined: list[Family] = []
        self.casework = CaseworkDemo(rng, project)

    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _day(self, earliest: datetime.date, latest: datetime.date) -> datetime.date:
        span = max((latest - earliest).days, 0)
        return earliest + datetime.timedelta(days=self.rng.randint(0, span))

    def family(self, index: int, status: FamilyStatus) -> Family:
        rng = self.rng
        country, locale = ORIGINS[index % len(ORIGINS)]
        fake = self.fakers[locale]
        years_here = rng.choice([1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 14, 18])
        arrived = self.as_of - datetime.timedelta(days=365 * years_here + rng.randint(0, 200))
        admitted = status in (FamilyStatus.ACTIVE, FamilyStatus.PAUSED, FamilyStatus.CLOSED)
        months_ago = rng.randint(3, 26) if admitted else rng.randint(0, 2)
        referred_on = self.as_of - datetime.timedelta(days=30 * months_ago + rng.randint(5, 25))
        manager = self.managers[index % 2]
        route = rng.choice(list(ReferralRoute))
        family = Family(
            id=self._uuid(),
            project=self.project,
            referred_on=referred_on,
            referral_route=route,
            referring_organisation=(
                rng.choice(ORGANISATIONS) if route == ReferralRoute.REFERRED_BY_ORGANISATION else ""
            ),
            referrer_name=(
                self.fakers[rng.choice(["nl_BE", "fr_BE"])].name()
                if route != ReferralRoute.SELF_REFERRAL
                else ""
            ),
            referral_notes=rng.choice(
                [
                    "Family fears detention after an order to leave.",
                    "Long stay, children at school, no procedure pending.",
                    "Referred after the father's detention.",
                    "Asked for information on regularisation options.",
                ]
            ),
            languages=LANGUAGES[country],
            interpreter_needed=rng.random() < 0.4,
            address=self.fakers[rng.choice(["nl_BE", "fr_BE"])].address().replace("\n", ", "),
            phone=f"+32 4{rng.randint(70, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)}",
            housing_kind=rng.choice(list(HousingKind)),
            housing_stability=rng.choice(list(HousingStability)),
            livelihood=rng.choice(list(Livelihood)),
            support_network=rng.choice(["Church community", "Neighbours and school", ""]),
            status_at_entry=rng.choices(list(StatusAtEntry), weights=[11, 1, 1, 1])[0],
            procedure_status=rng.choices(list(ProcedureStatus), weights=[2, 1, 2, 7, 1, 1])[0],
        )
        members = self._household(fake, country, arrived, years_here)
        actor = Actor(manager)
        services.register_referral(actor, family, members)
        self._date_last_change(family, referred_on)
        if status == FamilyStatus.REFERRED:
            return family
        if status == FamilyStatus.WITHDRAWN:
            services.take_step(actor, family, "withdraw", reason="The family moved away.")
            self._date_last_change(family, referred_on + datetime.timedelta(days=12))
            return family
        screened_on = referred_on + datetime.timedelta(days=rng.randint(3, 14))
        results = [
            (c, Assessment.MET if rng.random() < 0.85 else Assessment.UNCLEAR, "")
            for c in self.project.criteria.all()
        ]
        if status == FamilyStatus.DECLINED:
            results[3] = (results[3][0], Assessment.NOT_MET, "No stable address for now.")
        services.assess(actor, family, results)
        self._date_last_change(family, screened_on)
        if status == FamilyStatus.SCREENING:
            return family
        if status == FamilyStatus.DECLINED:
            services.take_step(
                self.coordinator,
                family,
                "decline",
                reason="Criteria not met at this time (housing).",
            )
            self._date_last_change(family, screened_on + datetime.timedelta(days=7))
            self.declined.append(family)
            return family
        admitted_on = min(screened_on + datetime.timedelta(days=rng.randint(5, 20)), self.as_of)
        pair = [manager] + ([self.managers[(index + 1) % 2]] if rng.random() < 0.25 else [])
        services.take_step(
            self.coordinator, family, "admit", admitted_on=admitted_on, case_managers=pair
        )
        self._date_last_change(family, admitted_on)
        ends_on = {
            FamilyStatus.PAUSED: self._day(admitted_on, self.as_of),
            FamilyStatus.CLOSED: min(
                self._day(admitted_on + datetime.timedelta(days=90), self.as_of), self.as_of
            ),
        }.get(status, self.as_of)
        # The first active file has missed its latest review, for the reminders to show.
        overdue = status == FamilyStatus.ACTIVE and index == PLAN.index(FamilyStatus.ACTIVE)
        self.casework.build(family, actor, admitted_on, ends_on, review_overdue=overdue)
        if status == FamilyStatus.PAUSED:
            services.take_step(actor, family, "pause", reason="The family asked for time.")
            self._date_last_change(family, ends_on)
        if status == FamilyStatus.CLOSED:
            closed_on = ends_on
            resolution, engagement = rng.choice(
                [
                    (Resolution.STAY_TEMPORARY, EngagementAtClosure.REMAINED_ENGAGED),
                    (Resolution.NONE, EngagementAtClosure.STOPPED),
                    (Resolution.VOLUNTARY_RETURN, EngagementAtClosure.REMAINED_ENGAGED),
                ]
            )
            services.take_step(
                self.coordinator,
                family,
                "close",
                closed_on=closed_on,
                resolution=resolution,
                engagement_at_closure=engagement,
            )
            self._date_last_change(family, closed_on)
        return family

    def _household(self, fake, country, arrived, years_here) -> list[Person]:
        rng = self.rng
        family_name = fake.last_name()
        parents = [(Sex.FEMALE, fake.first_name_female())]
        if rng.random() < 0.7:
            parents.append((Sex.MALE, fake.first_name_male()))
        members = []
        for sex, given in parents:
            born = arrived.year - rng.randint(20, 35)
            members.append(
                self._person(
                    PersonRole.PARENT,
                    given,
                    family_name,
                    sex,
                    country,
                    f"{born}" if rng.random() < 0.3 else self._dob(born),
                    arrived,
                )
            )
        for _ in range(rng.choices([1, 2, 3, 4, 5, 6], weights=[1, 5, 3, 3, 1, 1])[0]):
            sex = rng.choice([Sex.FEMALE, Sex.MALE])
            given = fake.first_name_female() if sex == Sex.FEMALE else fake.first_name_male()
            age = rng.randint(0, 17) if rng.random() < 0.9 else rng.randint(18, 21)
            born_year = self.as_of.year - age - 1
            born_here = age < years_here
            members.append(
                self._person(
                    PersonRole.CHILD,
                    given,
                    family_name,
                    sex,
                    country,
                    self._dob(born_year),
                    None if born_here else arrived,
                    birth_country="BE" if born_here else country,
                )
            )
        return members

    def _dob(self, year: int) -> str:
        return f"{year}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"

    def _person(self, role, given, family_name, sex, country, birth, arrived, birth_country=None):
        from parcours.privacy.fields import PartialDate

        stateless = country in ("XK",) and self.rng.random() < 0.5
        return Person(
            id=self._uuid(),
            role=role,
            given_name=given,
            family_name=family_name,
            sex=sex,
            birth_date=PartialDate.parse(birth),
            nationality="stateless" if stateless else country,
            country_of_birth=birth_country or country,
            minority="Roma" if country in ("XK", "AL") and self.rng.random() < 0.5 else "",
            arrival_date=arrived,
        )

    def _date_last_change(self, family: Family, day: datetime.date) -> None:
        """Put the latest lifecycle step on the day the story says it happened."""
        change = family.status_changes.order_by("-at").first()
        moment = datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=datetime.UTC)
        StatusChange.objects.filter(pk=change.pk).update(at=moment)

    def known_under_another_spelling(self) -> None:
        """A family supported before, referred again by another team member who wrote its
        names another way: Parcours shows the earlier file as maybe known."""
        earlier = (
            Family.objects.filter(project=self.project, status=FamilyStatus.CLOSED)
            .filter(case_managers=self.managers[0])
            .order_by("case_number")
            .first()
        )
        if earlier is None:
            return
        members = [
            Person(
                **{f: getattr(p, f) for f in Person.RECORDED_FIELDS},
            )
            for p in earlier.household
        ]
        for person in members:
            person.given_name = _respelled(person.given_name)
            person.family_name = _respelled(person.family_name)
        family = Family(
            id=self._uuid(),
            project=self.project,
            referred_on=self.as_of - datetime.timedelta(days=2),
            referral_route=ReferralRoute.SELF_REFERRAL,
            referral_notes="Came to the office after a letter from the Immigration Office.",
            languages=earlier.languages,
        )
        services.register_referral(Actor(self.managers[0]), family, members)

    def flags(self, coordinator: User) -> None:
        """Three active files flagged for attention, one flag of which was taken off again."""
        active = list(
            Family.objects.filter(project=self.project, status=FamilyStatus.ACTIVE)
            .order_by("case_number")
            .prefetch_related("case_managers")[3:6]
        )
        reasons = {r.code: r for r in self.project.flag_reasons.all()}
        if len(active) < 3:
            return
        services.raise_flag(
            Actor(coordinator),
            active[0],
            reasons["safeguarding"],
            "The eldest daughter said at school that she is afraid to go home.",
        )
        manager = active[1].case_managers.first() or self.managers[0]
        services.raise_flag(
            Actor(manager),
            active[1],
            reasons["medical"],
            "Hospital appointment; the mother has no medical card.",
            ends_on=max(self.as_of, today()) + datetime.timedelta(days=10),
        )
        lost = services.raise_flag(Actor(coordinator), active[2], reasons["losing_contact"])
        services.remove_flag(Actor(coordinator), lost, "Reached by phone; they moved.")

    def approvals(self, coordinator: User) -> None:
        """The demo project asks for approvals: a closure and a plan wait, a plan was
        approved, another returned."""
        self.project.approvals = True
        self.project.save(update_fields=["approvals"])
        active = list(
            Family.objects.filter(project=self.project, status=FamilyStatus.ACTIVE)
            .order_by("case_number")
            .prefetch_related("case_managers")
        )
        if len(active) < 4:
            return

        def manager(family):
            return Actor(family.case_managers.first() or self.managers[0])

        first, second, third, fourth = active[-4:]
        approvals.request(
            manager(first),
            first,
            Approval.Kind.CLOSURE,
            "They received their residence permit; the last actions are done.",
            closed_on=self.as_of,
            resolution=Resolution.STAY_PERMANENT,
            engagement_at_closure=EngagementAtClosure.REMAINED_ENGAGED,
        )
        approvals.request(
            manager(second), second, Approval.Kind.PLAN, "First plan, after two visits."
        )
        done = approvals.request(manager(third), third, Approval.Kind.PLAN)
        approvals.decide(Actor(coordinator), done, Approval.Decision.APPROVED)
        back = approvals.request(manager(fourth), fourth, Approval.Kind.PLAN)
        approvals.decide(
            Actor(coordinator),
            back,
            Approval.Decision.RETURNED,
            "Add what the lawyer will do, and by when.",
        )

    def re_referral(self) -> None:
        """Like the seed's family 12: declined, then referred again months later."""
        earlier = self.declined[0]
        again_on = min(earlier.referred_on + datetime.timedelta(days=120), self.as_of)
        family = services.refer_again(Actor(self.managers[0]), earlier, again_on)
        self._date_last_change(family, again_on)
