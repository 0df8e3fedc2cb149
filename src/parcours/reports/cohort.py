"""The cohort evaluation report, computed in the database (GROUP BY over the answer rows).

Definitions (INSTRUMENTS.md): the denominator is every sheet in the cohort; "no answer" is its
own column; positive impact = some + huge; percentages are exact here (the JSON keeps them) and
rounded half-up to whole percent only for display.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import CharField, Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Cast

from parcours import bands
from parcours.cases import figures
from parcours.cases.choices import Assessment, FamilyStatus, PersonRole
from parcours.cases.figures import AGE_COLUMNS
from parcours.cases.models import Family, FamilyFigures, Person, ScreeningAssessment, today
from parcours.casework.choices import ContactKind
from parcours.casework.models import consents_to_evaluation
from parcours.dates import completed_months, completed_years
from parcours.instruments import tallies as answer_tallies
from parcours.instruments.charts import WORSE_WHEN_HIGHER
from parcours.instruments.models import (
    Answer,
    BaselineScore,
    InstrumentVersion,
    LatestSheet,
    Response,
    ResponseStatus,
)
from parcours.privacy.crypto import decrypt, normalise

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
CLUSTER_OF = {code: cluster for cluster, code in BARRIERS.items()}
VULNERABILITIES = "p04_vulnerabilities"


def display_percent(value: float) -> int:
    """Half-up to whole percent, for display only (9 of 12 = 75%, 1 of 12 = 8%)."""
    return int(Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


class FreeText:
    """How much free text a report carries: all of it for the organisation's coordinators,
    what a coordinator released for evaluators, none for outside readers."""

    ALL = "all"
    RELEASED = "released"
    NONE = "none"


@dataclass
class Cohort:
    """Who and what a report counts.

    The cohort is the families admitted between two dates (and with a status now); the period
    (or a named round) picks each family's latest sheet submitted within it and the referrals
    of the funnel. ``scope`` narrows it to one project or one pooled source (the per-project
    columns).
    """

    projects: list
    admitted_from: datetime.date | None = None
    admitted_to: datetime.date | None = None
    statuses: list[str] = field(default_factory=list)
    period_from: datetime.date | None = None
    period_to: datetime.date | None = None
    round_name: str = ""
    scope: dict | None = None  # {"project": p} or {"pooled_from": source}
    # For readers outside the organisation (evaluators, --outside): only families whose
    # consent to evaluation is in force.
    consented_only: bool = False

    def families(self, *, every: bool = False):
        """The cohort's families; ``every`` ignores consent (to count who is left out)."""
        families = Family.objects.filter(project__in=self.projects).exclude(admitted_on=None)
        if self.consented_only and not every:
            families = families.filter(consenting())
        if self.scope is not None:
            families = families.filter(**self.scope)
        if self.admitted_from:
            families = families.filter(admitted_on__gte=self.admitted_from)
        if self.admitted_to:
            families = families.filter(admitted_on__lte=self.admitted_to)
        if self.statuses:
            families = families.filter(status__in=self.statuses)
        return families

    def figures(self, *, every: bool = False):
        """The figures kept for the cohort's families (``cases.FamilyFigures``), chosen by the
        figures' own columns as ``families`` chooses the files: read through the files, each
        count paid a pass over every file's row (80 ms of 120 at 100 000 files on
        PostgreSQL)."""
        kept = FamilyFigures.objects.filter(project__in=self.projects).exclude(admitted_on=None)
        if self.consented_only and not every:
            kept = kept.filter(consenting_figures())
        if self.scope is not None:
            kept = kept.filter(**self.scope)
        if self.admitted_from:
            kept = kept.filter(admitted_on__gte=self.admitted_from)
        if self.admitted_to:
            kept = kept.filter(admitted_on__lte=self.admitted_to)
        if self.statuses:
            kept = kept.filter(status__in=self.statuses)
        return kept.order_by()

    def referrals(self):
        """The files referred within the period, as their figures (the funnel's counts)."""
        referred = FamilyFigures.objects.filter(project__in=self.projects)
        if self.scope is not None:
            referred = referred.filter(**self.scope)
        if self.period_from:
            referred = referred.filter(referred_on__gte=self.period_from)
        if self.period_to:
            referred = referred.filter(referred_on__lte=self.period_to)
        return referred.order_by()

    def sheets(self):
        """The latest submitted Client Summary Sheet of each family within the period.

        A sheet is the latest when no later sheet of its family falls in the period: an
        anti-join that SQLite and PostgreSQL both plan well (a window function ranking the
        sheets was misestimated by PostgreSQL and cost 2.5x; bench/report.py).
        """
        submitted = Response.objects.filter(
            instrument="client_summary_sheet", status=ResponseStatus.SUBMITTED
        )
        if self.period_from:
            submitted = submitted.filter(submitted_at__date__gte=self.period_from)
        if self.period_to:
            submitted = submitted.filter(submitted_at__date__lte=self.period_to)
        same = Q(submitted_at=OuterRef("submitted_at"), created_at=OuterRef("created_at"))
        later = submitted.filter(family=OuterRef("family")).filter(
            Q(submitted_at__gt=OuterRef("submitted_at"))
            | Q(submitted_at=OuterRef("submitted_at"), created_at__gt=OuterRef("created_at"))
            | (same & Q(pk__gt=OuterRef("pk")))
        )
        return submitted.filter(family__in=self.families()).filter(~Exists(later))

    def sheet_ids(self):
        """The ids of the sheets counted (``sheets``). Without a period, each family's latest
        sheet is kept with the figures (``instruments.LatestSheet``, ordered the same way):
        the anti-join over every sheet took 180 ms of the report at 100 000 families."""
        if self.period_from or self.period_to:
            return self.sheets().values_list("pk", flat=True)
        return LatestSheet.objects.filter(
            instrument="client_summary_sheet",
            family_id__in=self.figures().values("family_id"),
        ).values_list("response_id", flat=True)

    def counts_sheet(self, sheet: str = "response_id") -> Exists:
        """Whether the outer query's sheet (its column ``sheet``) is one ``sheet_ids`` counts,
        asked row by row: SQLite then reads the few rows of the outer query (the barriers
        named) and looks each up, where ``IN sheet_ids`` made it read every counted sheet's
        answers (0.9 s at 100 000 files); PostgreSQL plans both as the same semi-join."""
        if self.period_from or self.period_to:
            return Exists(self.sheets().filter(pk=OuterRef(sheet)))
        admitted = self.figures().filter(family_id=OuterRef("family_id"))
        return Exists(
            LatestSheet.objects.filter(
                instrument=answer_tallies.COUNTED, response_id=OuterRef(sheet)
            ).filter(Exists(admitted))
        )

    def answer_counts(self, codes) -> dict[str, dict[str, int]]:
        """How many counted sheets gave each value of each question. When nothing narrows
        the cohort (every admitted file, each one's latest sheet, for the organisation's own
        readers), summed from the answers' tallies (``parcours.instruments.tallies``), less
        the latest sheets of files never admitted; otherwise one GROUP BY over the answers
        of ``sheet_ids``."""
        narrowed = (
            self.period_from
            or self.period_to
            or self.admitted_from
            or self.admitted_to
            or self.statuses
            or self.consented_only
        )
        if narrowed:
            return answer_counts(self.sheet_ids(), codes)
        counts = answer_tallies.answers(self.projects, codes, self.scope)
        never_admitted = FamilyFigures.objects.filter(project__in=self.projects, admitted_on=None)
        if self.scope is not None:
            never_admitted = never_admitted.filter(**self.scope)
        left_out = LatestSheet.objects.filter(
            instrument=answer_tallies.COUNTED,
            family_id__in=never_admitted.values("family_id"),
        ).values("response_id")
        for code, values in answer_counts(left_out, codes).items():
            for value, n in values.items():
                counts[code][value] -= n
                if not counts[code][value]:
                    del counts[code][value]
        return counts

    def parts(self) -> list[tuple[str, "Cohort"]]:
        """The projects pooled in this report, each as its own cohort: the projects chosen,
        and within a network project each source it imported. One part means no columns."""
        parts = []
        for project in self.projects:
            if project.network:
                for source in project.pooled_sources.all():
                    parts.append((str(source), {"pooled_from": source}))
            else:
                parts.append((project.name, {"project": project}))
        if len(parts) < 2:
            return []
        return [(label, replace(self, scope=scope)) for label, scope in parts]

    def selection(self) -> dict:
        """What was chosen, as the report's heading states it, and how many families have no
        consent to evaluation: left out of outside readers' reports, counted in the
        organisation's own."""
        without = self.figures(every=True).exclude(consenting_figures()).count()
        return {
            "without_evaluation_consent": without,
            "left_out_without_consent": without if self.consented_only else 0,
            "projects": [p.name for p in self.projects],
            "admitted_from": self.admitted_from,
            "admitted_to": self.admitted_to,
            "statuses": self.statuses,
            "period_from": self.period_from,
            "period_to": self.period_to,
            "round": self.round_name,
        }


def consenting() -> Q:
    """Families whose consent to evaluation is in force today, read from the figures kept per
    file; one whose consent may have changed since its figures were counted (a consent given
    or withdrawn from today, before the daily run) is asked of its consents instead."""
    moved = Q(figures__consent_change_on__lte=today())
    return (Q(figures__evaluation_consent=True) & ~moved) | (moved & consents_to_evaluation())


def consenting_figures() -> Q:
    """``consenting``, for the figures themselves."""
    moved = Q(consent_change_on__lte=today())
    asked = Q(family__in=Family.objects.filter(consents_to_evaluation()))
    return (Q(evaluation_consent=True) & ~moved) | (moved & asked)


def _question_table(code: str, scale: str, counts: dict, n: int) -> dict:
    choices = SCALES[scale]
    table = {choice: counts.get(choice, 0) for choice in choices}
    table["no_answer"] = n - sum(table.values())
    percent = {k: (100 * v / n if n else 0.0) for k, v in table.items()}
    result = {"scale": scale, "n": n, "counts": table, "percent": percent}
    if scale == "impact":
        result["positive_percent"] = sum(percent[c] for c in POSITIVE)
    return result


def scaled_questions() -> dict[str, str]:
    """Every impact and yes/no question of the active sheet, with its scale."""
    definition = InstrumentVersion.objects.active("client_summary_sheet").definition
    return {
        q.name: q.list_name
        for q in definition.answerable
        if q.type == "select_one" and q.list_name in SCALES
    }


def answer_counts(sheet_ids, codes) -> dict[str, dict[str, int]]:
    """How many sheets gave each value of each question: one GROUP BY over the answers."""
    counts: dict[str, dict] = {code: {} for code in codes}
    rows = (
        Answer.objects.filter(response_id__in=sheet_ids, code__in=codes)
        .values_list("code", "value")
        .annotate(n=Count("id"))
    )
    for code, value, n in rows:
        counts[code][value] = n
    return counts


def questions(scaled: dict, counts: dict, n: int) -> dict:
    return {code: _question_table(code, scaled[code], counts[code], n) for code in scaled}


BARRIERS_SHOWN = 10  # barriers per cluster on the report page; the rest on a paged list


def _dashed(key: str) -> str:
    """A UUID read as text in its usual form: SQLite keeps 32 hex digits."""
    if len(key) == 32:
        return f"{key[:8]}-{key[8:12]}-{key[12:16]}-{key[16:20]}-{key[20:]}"
    return key


def _barrier_rows(cohort: Cohort, free: str, clusters, *, sealed: bool = True):
    """The barrier answers of the counted sheets (``Cohort.sheet_ids``), oldest first, as
    (cluster, family, sheet, code, sealed text or the answer's id), ids as text. The few
    non-empty answers of the questions are found first, then kept if their sheet is counted,
    in the database (loading the 55 000 counted ids to test them here cost 200 ms at 100 000
    families); read by a plain cursor, as a UUID object per id and the ORM's handling of each
    row cost more than the query."""
    if free == FreeText.NONE:
        return
    cluster_of = {BARRIERS[cluster]: cluster for cluster in clusters}
    answers = (
        Answer.objects.filter(code__in=cluster_of)
        .exclude(text="")
        .filter(cohort.counts_sheet("response_id"))
    )
    if free == FreeText.RELEASED:
        answers = answers.exclude(released_at=None)
    rows = (
        answers.order_by()
        .annotate(
            sheet=Cast("response_id", CharField()), family=Cast("response__family_id", CharField())
        )
        .values_list("pk", "sheet", "family", "code", "text" if sealed else "pk")
    )
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    # Put in order here: asked to, SQLite may read every answer in the order of their keys
    # rather than the questions' few by their index (1.7 s at 100 000 sheets).
    fetched.sort()
    for _pk, sheet, family, code, value in fetched:
        yield cluster_of[code], _dashed(family), _dashed(sheet), code, value


def _unsealed(sheet: str, code: str, sealed: str) -> str:
    # Answer text is bound to its sheet and question (it is bulk-inserted).
    return TEXT.from_plaintext(decrypt(sealed, f"{TEXT_PREFIX}{sheet}:{code}".encode()))


TEXT = Answer._meta.get_field("text")
TEXT_PREFIX = f"{Answer._meta.db_table}/{TEXT.column}/"


def free_text(
    cohort: Cohort, free: str, shown: set, first: int | None = None
) -> tuple[dict[str, list[str]], dict[str, int]]:
    """The barriers named per cluster, and how many: all of them, or the ``first`` few of
    each (the report page, whose reader opens the rest page by page: only those are read,
    unsealed and added to ``shown``)."""
    texts: dict[str, list[str]] = {cluster: [] for cluster in BARRIERS}
    named = dict.fromkeys(BARRIERS, 0)
    if first is None:
        for cluster, family, sheet, code, sealed in _barrier_rows(cohort, free, BARRIERS):
            text = _unsealed(sheet, code, sealed)
            if text:
                named[cluster] += 1
                texts[cluster].append(text)
                shown.add(family)
        return texts, named
    wanted = []
    for cluster, _family, _sheet, _code, pk in _barrier_rows(cohort, free, BARRIERS, sealed=False):
        named[cluster] += 1
        if named[cluster] <= first:
            wanted.append(pk)
    rows = Answer.objects.filter(pk__in=wanted).order_by("pk")
    for response, family, code, sealed in rows.values_list(
        "response_id", "response__family_id", "code", "text"
    ):
        texts[CLUSTER_OF[code]].append(TEXT.unseal(sealed, f"{response}:{code}"))
        shown.add(str(family))
    return texts, named


def barriers_named(cohort: Cohort, free: str, cluster: str, search: str = "") -> list:
    """Every barrier of one cluster the report counts, as (family, text), oldest first; with
    ``search``, those holding it (case and accents folded)."""
    wanted = normalise(search)
    found = []
    for _cluster, family, sheet, code, sealed in _barrier_rows(cohort, free, [cluster]):
        text = _unsealed(sheet, code, sealed)
        if text and wanted in normalise(text):
            found.append((family, text))
    return found


def funnel(cohort: Cohort) -> dict:
    referred = cohort.referrals()
    totals = referred.aggregate(
        referred=Count("pk"),
        screened=Count("pk", filter=~Q(status=FamilyStatus.REFERRED)),
        admitted=Count("pk", filter=Q(admitted_on__isnull=False)),
        declined=Count("pk", filter=Q(status=FamilyStatus.DECLINED)),
        withdrawn=Count("pk", filter=Q(status=FamilyStatus.WITHDRAWN)),
    )
    # Why families were declined: the admission criteria judged "not met" at screening.
    totals["declined_reasons"] = dict(
        ScreeningAssessment.objects.filter(
            family__in=referred.filter(status=FamilyStatus.DECLINED).values("family_id"),
            result=Assessment.NOT_MET,
        )
        .values_list("criterion__code")
        .annotate(n=Count("id"))
        .order_by("-n", "criterion__code")
    )
    return totals


def tallies(families, *fields: str) -> tuple[dict, ...]:
    """How many families hold each value of each of ``fields``, from one GROUP BY over the
    files (not a list of values; each pass over 100 000 files' rows: 60 ms)."""
    counts: tuple[Counter, ...] = tuple(Counter() for _ in fields)
    for *values, n in families.order_by().values_list(*fields).annotate(n=Count("pk")):
        for counted, value in zip(counts, values, strict=True):
            counted[value] += n
    return tuple(dict(counted) for counted in counts)


def tally(families, field: str) -> dict:
    """How many families hold each value of ``field``."""
    return tallies(families, field)[0]


def profile(cohort: Cohort, families, family_count: int) -> dict:
    """Who the cohort are, counted from the figures kept per file (``cases.FamilyFigures``):
    members per age band of the day, adults and children, children per family, the earliest
    arrival. Ages and years in the country are counted in bands, so pooled families (which
    carry bands, not dates) count alongside the organisation's own. A file whose age columns
    are of another day (before the worker's daily run) is worked out for today instead."""
    now = today()
    kept = cohort.figures().filter(figures.ages_hold_on(now))
    summed = kept.aggregate(n=Count("pk"), **{column: Sum(column) for column in PROFILE_SUMS})
    counted = summed.pop("n")
    totals = Counter({column: n or 0 for column, n in summed.items()})
    children_of = Counter(dict(kept.values_list("children").annotate(n=Count("pk"))))
    arrivals: Counter = Counter()
    for first, floor, n in kept.values_list("arrived_on", "years_floor").annotate(n=Count("pk")):
        arrivals[first, floor] = n
    if counted < family_count:
        others = families.exclude(pk__in=kept.values("family_id")).values_list("pk", flat=True)
        for columns in figures.members_on(list(others), now).values():
            totals.update({c: columns[c] for c in PROFILE_SUMS})
            children_of[columns["children"]] += 1
            arrivals[columns["arrived_on"], columns["years_floor"]] += 1
    children_of[0] += family_count - sum(children_of.values())
    at_entry, procedure = tallies(families, "status_at_entry", "procedure_status")
    origins = (
        Person.objects.filter(family__in=cohort.figures().values("family_id"))
        .filter(role=PersonRole.PARENT)
        .exclude(nationality="")
        .order_by()
        .values_list("nationality")
        .annotate(n=Count("pk"))
        .order_by("-n", "nationality")
    )
    return {
        "families": family_count,
        "adults": totals["adults"],
        "children": totals["children"],
        "children_over_18": totals["children_adult"],
        "age_bands": {
            label: totals[column] for label, column in AGE_COLUMNS.items() if totals[column]
        },
        "countries_of_origin": dict(origins),
        "years_in_country": years_in_country(arrivals, now),
        "status_at_entry": at_entry,
        "children_per_family": {str(k): v for k, v in sorted(children_of.items()) if v > 0},
        "procedure_status": procedure,
    }


PROFILE_SUMS = [*AGE_COLUMNS.values(), "adults", "children", "children_adult"]


def years_in_country(arrivals: Counter, now) -> dict:
    """From how many families arrived first on each day (or carry each pooled band's floor):
    years since the earliest arrival, or the floor when higher; the mean over exact dates."""
    exact_total = exact_n = over_5 = over_10 = 0
    year_bands: Counter = Counter()
    for (first, floor), n in arrivals.items():
        exact = completed_years(first, now) if first else None
        if exact is not None:
            exact_total += exact * n
            exact_n += n
        if exact is not None or floor is not None:
            years = max(exact or 0, floor or 0)
            over_5 += n * (years > 5)
            over_10 += n * (years > 10)
            year_bands[bands.years_band(years)] += n
    return {
        "mean": round(exact_total / exact_n, 1) if exact_n else None,
        "over_5": over_5,
        "over_10": over_10,
        "bands": {
            label: year_bands[label] for label, _low in bands.YEARS_BANDS if year_bands[label]
        },
    }


def engagement(cohort: Cohort) -> dict:
    now = today()
    kept = cohort.figures()
    # The months supported, counted per pair of dates: a value per file cost 0.45 s of the
    # report at 100 000 files on SQLite.
    months: Counter = Counter()
    for admitted, closed, n in kept.values_list("admitted_on", "closed_on").annotate(n=Count("pk")):
        months[completed_months(admitted, closed or now)] += n
    # Per kind, from the figures kept per file: a sum over the families, not over every contact.
    summed = kept.aggregate(**{kind: Sum(f"contacts_{kind}") for kind in ContactKind.values})
    contacts = {kind: n for kind, n in summed.items() if n}
    n = months.total()
    return {
        "months_supported": {
            "mean": round(sum(m * k for m, k in months.items()) / n, 1) if n else None,
            "median": _median(months) if n else None,
            "over_15": sum(k for m, k in months.items() if m > 15),
        },
        "contacts": contacts,
        "home_visits": contacts.get("home_visit", 0),
        "home_visits_per_family": round(contacts.get("home_visit", 0) / n, 1) if n else None,
    }


def _median(counted: Counter):
    """The median of the values counted (value: how many times), as ``statistics.median``
    gives it of them all: the middle one, or the mean of the two in the middle."""
    n = counted.total()
    low, high = (n - 1) // 2, n // 2  # the places of the middle values, from 0
    seen, found = 0, {}
    for value in sorted(counted):
        for place in (low, high):
            if seen <= place < seen + counted[value]:
                found[place] = value
        seen += counted[value]
        if high in found:
            break
    if low == high:
        return found[low]
    return (found[low] + found[high]) / 2


def outcomes(cohort: Cohort, families) -> dict:
    """How the cohort's files ended, from the figures but for the engagement at closure."""
    kept = cohort.figures()
    resolution = tally(kept.filter(status=FamilyStatus.CLOSED), "resolution")
    at_closure = tally(families.filter(status=FamilyStatus.CLOSED), "engagement_at_closure")
    return {
        "closed": sum(resolution.values()),
        "resolution": resolution,
        "engagement_at_closure": at_closure,
        "in_contact": kept.filter(status__in=(FamilyStatus.ACTIVE, FamilyStatus.PAUSED)).count(),
        "stopped_participating": at_closure.get("stopped_participating", 0),
    }


def baseline_change(cohort: Cohort) -> dict:
    """First against latest Baseline per item, read with the item's polarity: per item the
    families with two scores or more, from the score pairs kept per family
    (``instruments.BaselineScore``), their summed change and how many went up or down."""
    rows = (
        BaselineScore.objects.filter(family__in=cohort.figures().values("family_id"))
        .filter(scores__gte=2)
        .order_by()
        .values("code")
        .annotate(
            n=Count("pk"),
            change=Sum(F("latest") - F("first")),
            up=Count("pk", filter=Q(latest__gt=F("first"))),
            down=Count("pk", filter=Q(latest__lt=F("first"))),
        )
        .order_by("code")
    )
    result = {}
    for row in rows:
        code, n, change = row["code"], row["n"], row["change"]
        worse = code in WORSE_WHEN_HIGHER
        result[code] = {
            "families": n,
            "mean_improvement": round((-change if worse else change) / n, 2),
            "improved": row["down"] if worse else row["up"],
        }
    return result


def vulnerabilities(counts: dict[str, int]) -> dict:
    """How many sheets name each vulnerability (p04 holds space-separated codes)."""
    named: Counter = Counter()
    for value, n in counts.items():
        for code in value.split():
            named[code] += n
    return dict(named.most_common())


def compute(
    cohort: Cohort,
    free: str = FreeText.ALL,
    shown: set | None = None,
    barriers: int | None = None,
) -> dict:
    """The whole report; with more than one project, a column of key figures per project.

    ``shown``, when given, receives the ids of the families whose free text the report holds
    (the page audits them as read); ``barriers`` keeps only the first of each cluster's
    barriers (the page), where the files keep them all."""
    result = _compute(cohort, free, shown if shown is not None else set(), barriers)
    parts = cohort.parts()
    if parts:
        result["by_project"] = {label: _key_figures(part) for label, part in parts}
    return result


def _compute(cohort: Cohort, free: str, shown: set, first: int | None) -> dict:
    families = cohort.families()
    n = cohort.sheet_ids().count()
    family_count = cohort.figures().count()
    scaled = scaled_questions()
    counts = cohort.answer_counts([*scaled, VULNERABILITIES])
    barriers, named = free_text(cohort, free, shown, first)
    return {
        "selection": cohort.selection(),
        "n_sheets": n,
        "families": family_count,
        "questions": questions(scaled, counts, n),
        "clusters": CLUSTERS,
        "barriers": barriers,
        "barriers_named": named,
        "funnel": funnel(cohort),
        "profile": {
            **profile(cohort, families, family_count),
            "vulnerabilities": vulnerabilities(counts[VULNERABILITIES]),
        },
        "engagement": engagement(cohort),
        "outcomes": outcomes(cohort, families),
        "baseline_change": baseline_change(cohort),
        "coverage": {
            "sheets": n,
            "families": family_count,
            "percent": 100 * n / family_count if family_count else 0.0,
        },
    }


def _key_figures(cohort: Cohort) -> dict:
    """One project's column beside the pooled totals: sizes, funnel, outcomes and the share
    answering positively (impact) or yes (yes/no) to each question."""
    sheet_ids = cohort.sheet_ids()
    n = sheet_ids.count()
    scaled = scaled_questions()
    tables = questions(scaled, cohort.answer_counts(list(scaled)), n)
    funnel_ = funnel(cohort)
    return {
        "n_sheets": n,
        "families": cohort.figures().count(),
        "referred": funnel_["referred"],
        "admitted": funnel_["admitted"],
        "declined": funnel_["declined"],
        "closed": cohort.figures().filter(status=FamilyStatus.CLOSED).count(),
        "positive_percent": {
            code: t["positive_percent"] for code, t in tables.items() if t["scale"] == "impact"
        },
        "yes_percent": {
            code: t["percent"]["yes"] for code, t in tables.items() if t["scale"] == "ynd"
        },
    }
