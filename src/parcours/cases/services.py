"""Every change to a family file: one function each, atomic, audit-logged.

Pages, commands (and later the API) call these; none of them writes case data directly.
"""

import datetime
import re

from django.db import transaction
from django.db.models import Case, Exists, IntegerField, Max, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts.models import Role, User, coordinators
from parcours.cases import duplicates, figures, names
from parcours.cases.ages import reckon_person
from parcours.cases.choices import FamilyStatus
from parcours.cases.lifecycle import TransitionError, check, get_transition
from parcours.cases.models import (
    AssignmentChange,
    CaseNumberCounter,
    Cover,
    Family,
    Flag,
    NameToken,
    Person,
    ScreeningAssessment,
    StatusChange,
    today,
)
from parcours.database import insert_rows
from parcours.notify import webhooks
from parcours.notify.models import Kind
from parcours.notify.services import notify
from parcours.privacy.audit import Actor, record
from parcours.privacy.models import AuditAction

# Household fields copied onto a new referral of a family that was declined or withdrawn.
_CARRIED_OVER = [
    "address",
    "phone",
    "email",
    "languages",
    "interpreter_needed",
    "housing_kind",
    "housing_stability",
    "livelihood",
    "support_network",
    "status_at_entry",
    "procedure_status",
]


def record_view(actor: Actor, obj) -> None:
    """Reading a family's file is logged like a change."""
    record(actor, AuditAction.VIEW, obj)


def _index_name(person: Person) -> None:
    NameToken.objects.filter(person=person).delete()
    index_names([person])


def index_names(people) -> None:
    """Write the blind-index rows of members' names: their words, the words' first letters,
    their sounds. Some ten rows a member, written as plain rows (COPY on PostgreSQL): as
    model objects, an import of 100 000 families spent a quarter of its time making them."""
    seals = names.Seals()
    rows = (
        (person.family_id, person.pk, kind, digest)
        for person in people
        for kind, digest in names.name_keys(person.given_name, person.family_name, seals)
    )
    insert_rows(NameToken, ["family", "person", "kind", "digest"], rows)


# A case number has digits, or is its project's prefix and a dash alone ("PT-"); a name has
# neither ("Jean-Pierre", "Al-Khatib" and "El-Amrani" are names). Each search then takes one
# path its index serves (an OR of both would scan).
CASE_NUMBER_QUERY = re.compile(r"\d|^[A-Za-z]{1,8}-$")

LIST_ORDER = ("-referred_on", "-created_at")


def is_case_number_query(query: str) -> bool:
    return bool(CASE_NUMBER_QUERY.search(query.strip()))


def search(families, query: str):
    """``families`` whose case number contains ``query`` (when it looks like one), or with one
    member named by every word of it: as written, as the beginning of a longer word
    ("Osho": Oshodi), or sounding alike ("Muhammad": Mohamed). Families with a member named
    by the words exactly as written come first, then the list's order."""
    query = query.strip()
    if not query:
        return families.order_by(*LIST_ORDER)
    if is_case_number_query(query):
        return families.filter(case_number__icontains=query).order_by(*LIST_ORDER)
    searched = list(dict.fromkeys(names.words(query)))
    # Each digest names the first word it is a key of (two words may sound alike): a member
    # is named by every word when, for each word, one of their digests names it.
    naming, exact, taken = [], [], set()
    for word in searched:
        keys = names.query_keys(word)
        exact += [d for d, kind in keys.items() if kind == names.Key.WORD]
        naming.append([d for d in keys if d not in taken])
        taken.update(keys)
    if not all(naming):  # a word named only by the words before it: no one has them all
        return families.none()
    # One flag per word, the largest of the member's rows: hashed per member, where counting
    # the distinct words sorted every row of a common name (13 ms of 14 at 100 000 families).
    named = {f"word{i}": _any_row(Q(digest__in=own)) for i, own in enumerate(naming)}
    people = (
        NameToken.objects.filter(digest__in=list(taken))
        .values("family_id", "person_id")
        .annotate(**named)
        .filter(**dict.fromkeys(named, 1))
    )
    written = {f"exact{i}": _any_row(Q(digest=d)) for i, d in enumerate(exact)}
    exactly = people.annotate(**written).filter(
        **dict.fromkeys(written, 1), family_id=OuterRef("pk")
    )
    return (
        families.filter(pk__in=people.values("family_id"))
        .annotate(named_exactly=Exists(exactly))
        .order_by("-named_exactly", *LIST_ORDER)
    )


def _any_row(condition: Q) -> Max:
    """1 when one of a group's rows meets ``condition``, else 0."""
    return Max(Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()))


def searched_for(query: str) -> str:
    """What a search looked for, said when it found nothing."""
    query = query.strip()
    if is_case_number_query(query):
        return _("case numbers containing %(q)s") % {"q": f"\u201c{query}\u201d"}
    return _(
        "members named %(q)s: each word as written, as the beginning of a longer word (three "
        "letters or more) and as names that sound alike"
    ) % {"q": f"\u201c{' '.join(names.words(query))}\u201d"}


@transaction.atomic
def register_referral(
    actor: Actor, family: Family, members: list[Person], *, previous: Family | None = None
) -> Family:
    """A new referral; the case manager who registers it is assigned to screen it."""
    if not actor.user.has_role(Role.CASE_MANAGER, family.project_id) and not actor.user.has_role(
        Role.COORDINATOR, family.project_id
    ):
        raise PermissionError("only the project's case managers and coordinators refer families")
    if family.project.network:
        raise PermissionError("a network project holds pooled evaluation data, never referrals")
    family.status = FamilyStatus.REFERRED
    family.previous_referral = previous
    family.save()
    if actor.user.has_role(Role.CASE_MANAGER, family.project_id):
        family.case_managers.add(actor.user)
    StatusChange.objects.create(
        family=family, to_status=FamilyStatus.REFERRED, transition="refer", by=actor.user
    )
    record(actor, AuditAction.CREATE, family)
    for person in members:
        person.family = family
        save_person(actor, person)
    duplicates.look_for_earlier_files(actor, family, members)
    webhooks.family_event(
        webhooks.EventType.FAMILY_REFERRED, family, referred_on=family.referred_on
    )
    figures.refresh([family.pk])
    return family


@transaction.atomic
def refer_again(actor: Actor, earlier: Family, referred_on: datetime.date) -> Family:
    """A new referral of a declined or withdrawn family, linked to the earlier file."""
    if earlier.status not in (FamilyStatus.DECLINED, FamilyStatus.WITHDRAWN):
        raise TransitionError(_("Only a declined or withdrawn referral can be referred again."))
    family = Family(
        project_id=earlier.project_id,
        referred_on=referred_on,
        referral_route=earlier.referral_route,
        referring_organisation=earlier.referring_organisation,
        **{f: getattr(earlier, f) for f in _CARRIED_OVER},
    )
    members = [
        Person(**{f: getattr(p, f) for f in Person.RECORDED_FIELDS}) for p in earlier.household
    ]
    return register_referral(actor, family, members, previous=earlier)


@transaction.atomic
def update_family(actor: Actor, family: Family, fields: list[str]) -> Family:
    family.save(update_fields=[*fields, "updated_at"] if fields else None)
    record(actor, AuditAction.UPDATE, family)
    return family


@transaction.atomic
def save_person(actor: Actor, person: Person) -> Person:
    created = person._state.adding
    person.save()
    _index_name(person)
    reckon_person(person)
    figures.refresh([person.family_id], part="cases")
    record(actor, AuditAction.CREATE if created else AuditAction.UPDATE, person)
    return person


@transaction.atomic
def assess(actor: Actor, family: Family, results: list[tuple[object, str, str]]) -> None:
    """Record screening results as (criterion, result, note) for a referral under screening."""
    if family.status not in (FamilyStatus.REFERRED, FamilyStatus.SCREENING):
        raise TransitionError(_("Only a referral can be screened."))
    if family.status == FamilyStatus.REFERRED:
        take_step(actor, family, "start_screening")
    existing = {a.criterion_id: a for a in family.assessments.all()}
    for criterion, result, note in results:
        assessment = existing.get(criterion.pk) or ScreeningAssessment(
            family=family, criterion=criterion
        )
        assessment.result = result
        assessment.note = note
        assessment.assessed_by = actor.user
        assessment.save()
    record(actor, AuditAction.UPDATE, family)


def next_case_number(project, year: int) -> str:
    """PREFIX-YEAR-NNN, numbered per project and year; call inside a transaction."""
    counter, _created = CaseNumberCounter.objects.select_for_update().get_or_create(
        project=project, year=year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{project.case_number_prefix}-{year}-{counter.last:03d}"


def eligible_case_managers(*project_ids: int):
    """Active users holding the case-manager role in any of ``project_ids``."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__project_id__in=project_ids,
            memberships__role=Role.CASE_MANAGER,
        )
        .distinct()
        .order_by("first_name", "username")
    )


def _called(words: list[str]) -> Q:
    """Users whose first name, last name or user name holds each of ``words``."""
    condition = Q()
    for word in words:
        condition &= (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
        )
    return condition


def case_managers_named(text: str, *project_ids: int) -> list[int]:
    """The case managers of ``project_ids`` that a filter's ``text`` names: those whose name
    is the text exactly (two people may share a name), else each one whose names hold every
    word of it ("sar jan" names Sara Janssens); none when no one is called so."""
    words = text.split()
    if not words:
        return []
    found = eligible_case_managers(*project_ids).filter(_called(words)).order_by()
    people = [
        (pk, f"{first} {last}".strip() or username)
        for pk, first, last, username in found.values_list(
            "pk", "first_name", "last_name", "username"
        )
    ]
    wanted = " ".join(words).casefold()
    exact = [pk for pk, name in people if " ".join(name.split()).casefold() == wanted]
    return exact or [pk for pk, _name in people]


def case_manager_suggestions(text: str, *project_ids: int, limit: int = 20) -> list[str]:
    """The first ``limit`` names, in order, of the case managers ``text`` may name: what the
    case list's field offers as one types."""
    found = eligible_case_managers(*project_ids).filter(_called(text.split()))
    names = [str(user) for user in found.only("first_name", "last_name", "username")[:limit]]
    return list(dict.fromkeys(names))  # a name shared by two people is offered once


@transaction.atomic
def take_step(
    actor: Actor,
    family: Family,
    name: str,
    *,
    reason: str = "",
    admitted_on: datetime.date | None = None,
    case_managers: list[User] | None = None,
    closed_on: datetime.date | None = None,
    resolution: str = "",
    engagement_at_closure: str = "",
) -> Family:
    """Move the file along the lifecycle, or raise TransitionError saying why not."""
    transition = get_transition(name)
    locked = Family.objects.select_for_update().get(pk=family.pk)
    family.status = locked.status
    check(transition, family, actor.user)
    if transition.reason_required and not reason.strip():
        raise TransitionError(_("Give a reason for this step."))
    changed = ["status"]
    if name == "admit":
        changed += _admit(family, admitted_on, case_managers or [])
    elif name == "close":
        changed += _close(family, closed_on, resolution, engagement_at_closure)
    previous = family.status
    family.status = transition.target
    family.save(update_fields=[*changed, "updated_at"])
    StatusChange.objects.create(
        family=family,
        from_status=previous,
        to_status=family.status,
        transition=name,
        by=actor.user,
        reason=reason.strip(),
    )
    if name == "admit":
        AssignmentChange.objects.bulk_create(
            AssignmentChange(
                family=family, user=u, kind=AssignmentChange.Kind.ASSIGNED, by=actor.user
            )
            for u in case_managers or []
        )
    record(actor, AuditAction.TRANSITION, family)
    figures.refresh([family.pk])
    if name == "admit":
        webhooks.family_event(
            webhooks.EventType.FAMILY_ADMITTED, family, admitted_on=family.admitted_on
        )
    elif name == "close":
        webhooks.family_event(
            webhooks.EventType.FAMILY_CLOSED,
            family,
            closed_on=family.closed_on,
            resolution=family.resolution,
        )
    return family


def family_link(family) -> str:
    return reverse("family", args=[family.pk])


def _admit(family: Family, admitted_on, case_managers: list[User]) -> list[str]:
    if admitted_on is None:
        raise TransitionError(_("Give the date of admission."))
    if admitted_on < family.referred_on:
        raise TransitionError(_("The admission date cannot come before the referral date."))
    criteria = set(family.project.criteria.filter(active=True).values_list("pk", flat=True))
    if criteria - set(family.assessments.values_list("criterion_id", flat=True)):
        raise TransitionError(_("Assess every criterion before admitting the family."))
    _check_case_managers(family, case_managers)
    family.admitted_on = admitted_on
    family.case_number = next_case_number(family.project, admitted_on.year)
    family.case_managers.set(case_managers)
    notify(Kind.ASSIGNED, case_managers, family=family, link=family_link(family))
    return ["admitted_on", "case_number"]


def _close(family: Family, closed_on, resolution: str, engagement: str) -> list[str]:
    if closed_on is None or not resolution or not engagement:
        raise TransitionError(
            _("Closing needs the closing date, the resolution and the engagement at closure.")
        )
    if family.admitted_on and closed_on < family.admitted_on:
        raise TransitionError(_("The closing date cannot come before the admission date."))
    family.closed_on = closed_on
    family.resolution = resolution
    family.engagement_at_closure = engagement
    return ["closed_on", "resolution", "engagement_at_closure"]


def reindex_names(batch: int = 2000) -> int:
    """Rebuild every name's blind index (after PARCOURS_BLIND_INDEX_KEY changed, or when the
    index gains a kind of key), a batch of members at a time."""
    count = 0
    keys = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(keys), batch):
        chunk = keys[start : start + batch]
        people = Person.objects.filter(pk__in=chunk).only(
            "id", "family_id", "given_name", "family_name"
        )
        with transaction.atomic():
            NameToken.objects.filter(person_id__in=chunk).delete()
            index_names(people)
        count += len(chunk)
    return count


def _check_case_managers(family: Family, case_managers) -> None:
    allowed = set(eligible_case_managers(family.project_id).values_list("pk", flat=True))
    if not case_managers or not {u.pk for u in case_managers} <= allowed:
        raise TransitionError(_("Assign one or two of the project's case managers."))
    if len(case_managers) > 2:
        raise TransitionError(_("A family has at most two case managers."))


@transaction.atomic
def reassign(actor: Actor, family: Family, case_managers: list[User], note: str = "") -> None:
    """Hand the file to other case managers: the new ones see it from now on, those who
    leave it no longer do; the history keeps both."""
    _check_case_managers(family, case_managers)
    before = set(family.case_managers.all())
    after = set(case_managers)
    family.case_managers.set(case_managers)
    changes = [(u, AssignmentChange.Kind.ASSIGNED) for u in after - before]
    changes += [(u, AssignmentChange.Kind.REMOVED) for u in before - after]
    AssignmentChange.objects.bulk_create(
        AssignmentChange(family=family, user=u, kind=kind, by=actor.user, note=note)
        for u, kind in changes
    )
    record(actor, AuditAction.UPDATE, family)
    notify(
        Kind.ASSIGNED, after - before, family=family, link=family_link(family), not_to=actor.user
    )
    # Those who no longer see the file hear of it by its case number alone.
    notify(
        Kind.HANDED_OVER,
        before - after,
        project=family.project,
        case_number=family.case_number,
        not_to=actor.user,
    )


@transaction.atomic
def give_cover(actor: Actor, cover: Cover) -> Cover:
    """Let a colleague see the file until the cover's last day."""
    eligible = eligible_case_managers(cover.family.project_id)
    if not eligible.filter(pk=cover.user_id).exists():
        raise TransitionError(_("Cover is given to one of the project's case managers."))
    if cover.family.case_managers.filter(pk=cover.user_id).exists():
        raise TransitionError(_("This colleague manages the file already."))
    if cover.ends_on < cover.starts_on:
        raise TransitionError(_("The cover cannot end before it starts."))
    cover.granted_by = actor.user
    cover.save()
    AssignmentChange.objects.create(
        family=cover.family,
        user=cover.user,
        kind=AssignmentChange.Kind.COVER,
        by=actor.user,
        note=f"{cover.starts_on.isoformat()} to {cover.ends_on.isoformat()}",
    )
    record(actor, AuditAction.CREATE, cover)
    notify(
        Kind.COVER,
        [cover.user],
        project=cover.family.project,
        case_number=cover.family.case_number,
        params={
            "state": "given",
            "start": cover.starts_on.isoformat(),
            "end": cover.ends_on.isoformat(),
        },
        link=family_link(cover.family),
        not_to=actor.user,
    )
    return cover


@transaction.atomic
def end_cover(actor: Actor, cover: Cover) -> None:
    """The cover ends now: the colleague no longer sees the file."""
    cover.ends_on = min(cover.ends_on, today() - datetime.timedelta(days=1))
    cover.starts_on = min(cover.starts_on, cover.ends_on)
    cover.save(update_fields=["ends_on", "starts_on"])
    AssignmentChange.objects.create(
        family=cover.family, user=cover.user, kind=AssignmentChange.Kind.COVER_ENDED, by=actor.user
    )
    notify(
        Kind.COVER,
        [cover.user],
        project=cover.family.project,
        case_number=cover.family.case_number,
        params={"state": "ended"},
        not_to=actor.user,
    )
    record(actor, AuditAction.UPDATE, cover)


@transaction.atomic
def raise_flag(
    actor: Actor, family: Family, reason, note: str = "", ends_on: datetime.date | None = None
) -> Flag:
    """Flag the file for attention with one of its project's reasons; its case managers and
    the project's coordinators are told (the reason, never the note)."""
    if reason.project_id != family.project_id or not reason.active:
        raise TransitionError(_("Choose one of the project's reasons."))
    if ends_on is not None and ends_on < today():
        raise TransitionError(_("A flag cannot end before today."))
    if family.flags.current().filter(reason=reason).exists():
        raise TransitionError(_("The file is already flagged for this reason."))
    flag = Flag.objects.create(
        family=family, reason=reason, note=note.strip(), ends_on=ends_on, raised_by=actor.user
    )
    record(actor, AuditAction.CREATE, flag)
    figures.refresh([family.pk], part="cases")
    notify(
        Kind.FLAGGED,
        [*family.case_managers.all(), *coordinators(family.project_id)],
        family=family,
        params={"reason": {"nl": reason.label_nl, "fr": reason.label_fr, "en": reason.label_en}},
        link=family_link(family),
        key=f"flagged:{flag.pk}",
        not_to=actor.user,
    )
    webhooks.emit(
        webhooks.EventType.FAMILY_FLAGGED,
        family.project_id,
        webhooks.family_data(family, flag_id=str(flag.pk), reason=reason.code, ends_on=ends_on),
        key=f"family.flagged:{flag.pk}",
    )
    return flag


@transaction.atomic
def remove_flag(actor: Actor, flag: Flag, why: str) -> Flag:
    """Take a flag off the file, saying why; it stays in the file's history."""
    if not why.strip():
        raise TransitionError(_("Say why the flag is removed."))
    locked = Flag.objects.select_for_update().get(pk=flag.pk)
    if locked.removed_at is not None:
        raise TransitionError(_("This flag was removed already."))
    flag.removed_at = timezone.now()
    flag.removed_by = actor.user
    flag.removal_reason = why.strip()
    flag.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    record(actor, AuditAction.UPDATE, flag)
    figures.refresh([flag.family_id], part="cases")
    webhooks.emit(
        webhooks.EventType.FLAG_REMOVED,
        flag.family.project_id,
        webhooks.family_data(flag.family, flag_id=str(flag.pk), reason=flag.reason.code),
        key=f"family.flag_removed:{flag.pk}",
    )
    return flag
