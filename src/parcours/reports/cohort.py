"""The cohort evaluation report, computed in the database (GROUP BY over the answer rows).

Definitions (INSTRUMENTS.md): the denominator is every sheet in the cohort; "no answer" is its
own column; positive impact = some + huge; percentages are exact here (the JSON keeps them) and
rounded half-up to whole percent only for display.
"""

import datetime
import statistics
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

from parcours.cases.choices import FamilyStatus, PersonRole
from parcours.cases.models import Family, Person, today
from parcours.casework.models import Contact
from parcours.dates import completed_months
from parcours.instruments.charts import WORSE_WHEN_HIGHER
from parcours.instruments.models import Answer, InstrumentVersion, Response, ResponseStatus

SCALES = {
    "impact": ["negative", "none", "limited", "some", "huge", "dont_know"],
    "ynd": ["yes", "no", "dont_know"],
}
POSITIVE = ("some", "huge")
CLUSTERS = {
    "case_management": ["cm_procedures", "cm_risk", "cm_trust"],
    "cluster1": [
        "c1_impact",
        "c1_more_information",
        "c1_constructive_choices",
        "c1_trust_procedures",
        "c1_engaged",
        "c1_consequences",
    ],
    "cluster2": [
        "c2_impact",
        "c2_initiative",
        "c2_rights",
        "c2_options",
        "c2_conditions",
        "c2_authorities_informed",
    ],
    "cluster3": [
        "c3_impact",
        "c3_less_vulnerable",
        "c3_more_hope",
        "c3_trust_system",
        "c3_psychosocial",
        "c3_livelihood",
        "c3_housing",
        "c3_stability",
    ],
}
BARRIERS = {"cluster1": "c1_barriers", "cluster2": "c2_barriers", "cluster3": "c3_barriers"}


def display_percent(value: float) -> int:
    """Half-up to whole percent, for display only (9 of 12 = 75%, 1 of 12 = 8%)."""
    return int(Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@dataclass
class Cohort:
    projects: list
    admitted_from: datetime.date | None = None
    admitted_to: datetime.date | None = None
    statuses: list[str] = field(default_factory=list)

    def families(self):
        families = Family.objects.filter(project__in=self.projects).exclude(admitted_on=None)
        if self.admitted_from:
            families = families.filter(admitted_on__gte=self.admitted_from)
        if self.admitted_to:
            families = families.filter(admitted_on__lte=self.admitted_to)
        if self.statuses:
            families = families.filter(status__in=self.statuses)
        return families

    def sheets(self):
        """The latest submitted Client Summary Sheet of each family of the cohort.

        A window function ranks each family's sheets once; a correlated subquery would be
        evaluated again for every answer row (bench/report.py).
        """
        ranked = (
            Response.objects.filter(
                family__in=self.families(),
                instrument="client_summary_sheet",
                status=ResponseStatus.SUBMITTED,
            )
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=F("family_id"),
                    order_by=[F("submitted_at").desc(), F("created_at").desc()],
                )
            )
            .filter(rank=1)
        )
        return Response.objects.filter(pk__in=ranked.values("pk"))


def _question_table(code: str, scale: str, counts: dict, n: int) -> dict:
    choices = SCALES[scale]
    table = {choice: counts.get(choice, 0) for choice in choices}
    table["no_answer"] = n - sum(table.values())
    percent = {k: (100 * v / n if n else 0.0) for k, v in table.items()}
    result = {"scale": scale, "n": n, "counts": table, "percent": percent}
    if scale == "impact":
        result["positive_percent"] = sum(percent[c] for c in POSITIVE)
    return result


def questions(sheets, n: int) -> dict:
    """Every impact and yes/no question of the sheet, from one GROUP BY over the answers."""
    definition = InstrumentVersion.objects.active("client_summary_sheet").definition
    scaled = {
        q.name: q.list_name
        for q in definition.answerable
        if q.type == "select_one" and q.list_name in SCALES
    }
    counts: dict[str, dict] = {code: {} for code in scaled}
    rows = (
        Answer.objects.filter(response__in=sheets, code__in=scaled)
        .values("code", "value")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["code"]][row["value"]] = row["n"]
    return {code: _question_table(code, scaled[code], counts[code], n) for code in scaled}


def funnel(cohort: Cohort) -> dict:
    referred = Family.objects.filter(project__in=cohort.projects)
    if cohort.admitted_from:
        referred = referred.filter(referred_on__gte=cohort.admitted_from)
    if cohort.admitted_to:
        referred = referred.filter(referred_on__lte=cohort.admitted_to)
    totals = referred.aggregate(
        referred=Count("id"),
        screened=Count("id", filter=~Q(status=FamilyStatus.REFERRED)),
        admitted=Count("id", filter=Q(admitted_on__isnull=False)),
        declined=Count("id", filter=Q(status=FamilyStatus.DECLINED)),
        withdrawn=Count("id", filter=Q(status=FamilyStatus.WITHDRAWN)),
    )
    return totals


def profile(families) -> dict:
    people = list(
        Person.objects.filter(family__in=families).only(
            "family_id", "role", "birth_date", "nationality", "arrival_date"
        )
    )
    now = today()
    by_family: dict = {}
    for person in people:
        by_family.setdefault(person.family_id, []).append(person)
    children = [p for p in people if p.role == PersonRole.CHILD]
    arrivals = {
        fid: min((p.arrival_date for p in members if p.arrival_date), default=None)
        for fid, members in by_family.items()
    }
    years = [(now - a).days // 365 for a in arrivals.values() if a]
    origins = Counter(
        p.nationality for p in people if p.role == PersonRole.PARENT and p.nationality
    )
    per_family = Counter(
        sum(1 for p in members if p.role == PersonRole.CHILD) for members in by_family.values()
    )
    aggregate = families.aggregate(n=Count("id"))
    return {
        "families": aggregate["n"],
        "adults": sum(1 for p in people if p.is_adult),
        "children": len(children),
        "children_over_18": sum(1 for p in children if p.is_adult),
        "countries_of_origin": dict(origins.most_common()),
        "years_in_country": {
            "mean": round(statistics.mean(years), 1) if years else None,
            "over_5": sum(1 for y in years if y > 5),
            "over_10": sum(1 for y in years if y > 10),
        },
        "status_at_entry": dict(Counter(families.values_list("status_at_entry", flat=True))),
        "children_per_family": {str(k): v for k, v in sorted(per_family.items())},
        "procedure_status": dict(Counter(families.values_list("procedure_status", flat=True))),
    }


def engagement(families) -> dict:
    now = today()
    months = [
        completed_months(admitted, closed or now)
        for admitted, closed in families.values_list("admitted_on", "closed_on")
    ]
    contacts = dict(
        Contact.objects.filter(family__in=families).values_list("kind").annotate(n=Count("id"))
    )
    n = len(months)
    return {
        "months_supported": {
            "mean": round(statistics.mean(months), 1) if months else None,
            "median": statistics.median(months) if months else None,
            "over_15": sum(1 for m in months if m > 15),
        },
        "contacts": contacts,
        "home_visits": contacts.get("home_visit", 0),
        "home_visits_per_family": round(contacts.get("home_visit", 0) / n, 1) if n else None,
    }


def outcomes(families) -> dict:
    closed = families.filter(status=FamilyStatus.CLOSED)
    return {
        "closed": closed.count(),
        "resolution": dict(Counter(closed.values_list("resolution", flat=True))),
        "engagement_at_closure": dict(
            Counter(closed.values_list("engagement_at_closure", flat=True))
        ),
        "in_contact": families.filter(
            status__in=(FamilyStatus.ACTIVE, FamilyStatus.PAUSED)
        ).count(),
        "stopped_participating": closed.filter(
            engagement_at_closure="stopped_participating"
        ).count(),
    }


def baseline_change(families) -> dict:
    """First against latest baseline per item: mean change read with the item's polarity."""
    sheets = Response.objects.filter(
        family__in=families, instrument="baseline", status=ResponseStatus.SUBMITTED
    )
    rows = (
        Answer.objects.filter(response__in=sheets, code__regex=r"^b[0-9]{2}_[a-z_]+$")
        .exclude(code__endswith="_why")
        .values_list("response__family", "response__submitted_at", "code", "value")
    )
    series: dict = {}
    for family, when, code, value in rows:
        if value:
            series.setdefault((family, code), []).append((when, int(value)))
    items: dict = {}
    for (_family, code), points in series.items():
        if len(points) < 2:
            continue
        points.sort()
        change = points[-1][1] - points[0][1]
        better = -change if code in WORSE_WHEN_HIGHER else change
        items.setdefault(code, []).append(better)
    return {
        code: {
            "families": len(v),
            "mean_improvement": round(statistics.mean(v), 2),
            "improved": sum(1 for c in v if c > 0),
        }
        for code, v in sorted(items.items())
    }


def vulnerabilities(sheets) -> dict:
    """How many sheets name each vulnerability (p04 holds space-separated codes)."""
    counts: Counter = Counter()
    for value in Answer.objects.filter(response__in=sheets, code="p04_vulnerabilities").values_list(
        "value", flat=True
    ):
        counts.update(value.split())
    return dict(counts.most_common())


def compute(cohort: Cohort) -> dict:
    families = cohort.families()
    sheets = cohort.sheets()
    n = sheets.count()
    family_count = families.count()
    barriers = {}
    for cluster, code in BARRIERS.items():
        barriers[cluster] = [
            a.text for a in Answer.objects.filter(response__in=sheets, code=code) if a.text
        ]
    return {
        "n_sheets": n,
        "families": family_count,
        "questions": questions(sheets, n),
        "clusters": CLUSTERS,
        "barriers": barriers,
        "funnel": funnel(cohort),
        "profile": {**profile(families), "vulnerabilities": vulnerabilities(sheets)},
        "engagement": engagement(families),
        "outcomes": outcomes(families),
        "baseline_change": baseline_change(families),
        "coverage": {
            "sheets": n,
            "families": family_count,
            "percent": 100 * n / family_count if family_count else 0.0,
        },
    }
