"""A family referred again under another spelling: earlier files of the project whose members
match a new referral's, shown to whoever may see them, and settled by a person.

A member matches an earlier file's member when a sound of each part of their name is among the
other's (``parcours.cases.names.NameSounds``: "Muhammad Aly" and "Mohamed Ali", given and family
names swapped, a father's name dropped), their birth years are at most a year apart and their
nationalities agree (either unknown passes). Which files are then shown is
``is_possible_earlier_file``. Only sealed sounds are compared: no name is read from the
earlier files.
"""

import functools
import operator
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts.models import Role, coordinators
from parcours.cases.models import Family, NameToken, Person, PossibleDuplicate
from parcours.cases.names import NameSounds, sound_digests
from parcours.database import read
from parcours.notify.models import Kind
from parcours.notify.services import notify
from parcours.privacy.audit import Actor, record
from parcours.privacy.fields import PartialDate
from parcours.privacy.models import AuditAction

UNKNOWN_NATIONALITIES = ("", "unknown")


class DecisionError(Exception):
    """A decision that cannot be taken (already settled, or a link that would be wrong)."""


@dataclass(frozen=True)
class Member:
    """What the matching compares of a member: sounds, birth date, nationality."""

    sounds: NameSounds
    birth: PartialDate | None
    nationality: str

    @classmethod
    def of(cls, person: Person) -> "Member":
        birth = PartialDate(person.birth_date) if person.birth_date else None
        return cls(NameSounds.of(person.given_name, person.family_name), birth, person.nationality)

    def agrees(self, birth: PartialDate | None, nationality: str) -> bool:
        """Born at most a year apart, of the same nationality (either unknown passes)."""
        if self.birth and birth and abs(self.birth.year - birth.year) > 1:
            return False
        known = self.nationality not in UNKNOWN_NATIONALITIES
        return not known or nationality in UNKNOWN_NATIONALITIES or nationality == self.nationality

    def agrees_closely(self, birth: PartialDate | None) -> bool:
        """Born the same day (day and month may be swapped). A year alone is never close:
        two people born in 1985 with similar names are common."""
        mine = self.birth.exact if self.birth else None
        theirs = birth.exact if birth else None
        if not (mine and theirs):
            return False
        return mine == theirs or (mine.year, mine.day, mine.month) == (
            theirs.year,
            theirs.month,
            theirs.day,
        )


def linked_files(family: Family) -> set:
    """The file itself and those already linked to it as earlier or later referrals."""
    linked = {family.pk}
    if family.previous_referral_id:
        linked.add(family.previous_referral_id)
    linked.update(family.later_referrals.values_list("pk", flat=True))
    return linked


def candidates(family: Family, members: list[Member]) -> dict:
    """{earlier family id: ({members of the referral that match one of its members}, {those
    that match closely})}.

    Two queries for the whole household: the people whose sealed sounds match a sound of a
    member's given name and one of their family name (per member, counted in one pass over
    the index, digests being sealed per kind of key), then those of them in earlier files of
    the project. Joining every token of a common name to its file first cost 30 ms a member
    at 100 000 families."""
    found: dict = defaultdict(lambda: (set(), set()))
    parts = {}
    for index, member in enumerate(members):
        given, names = sound_digests(member.sounds)
        if given and names:
            parts[index] = (given, names)
    if not parts:
        return found
    counts, each = {}, []
    for index, (given, names) in parts.items():
        counts[f"given_{index}"] = Count("digest", filter=Q(digest__in=given))
        counts[f"names_{index}"] = Count("digest", filter=Q(digest__in=names))
        each.append(Q(**{f"given_{index}__gt": 0, f"names_{index}__gt": 0}))
    digests = set().union(*(given | names for given, names in parts.values()))
    rows = (
        NameToken.objects.filter(digest__in=digests)
        .values("person_id")
        .annotate(**counts)
        .filter(functools.reduce(operator.or_, each))
        .order_by()
    )
    matching = {
        row["person_id"]: [i for i in parts if row[f"given_{i}"] and row[f"names_{i}"]]
        for row in rows
    }
    if not matching:
        return found
    earlier = (
        Person.objects.filter(
            pk__in=matching,
            family__project_id=family.project_id,
            family__created_at__lt=family.created_at,
            family__pooled_from=None,
        )
        .exclude(family_id__in=linked_files(family))
        .order_by()
        .only("id", "family_id", "birth_date", "nationality")
    )
    for person in earlier:
        birth = PartialDate(person.birth_date) if person.birth_date else None
        for index in matching[person.pk]:
            member = members[index]
            if member.agrees(birth, person.nationality):
                matched, closely = found[person.family_id]
                matched.add(index)
                if member.agrees_closely(birth):
                    closely.add(index)
    return found


def is_possible_earlier_file(matched: int, closely: int, smaller: int) -> bool:
    """Whether an earlier file is shown, from how many of the referral's members match one
    of its members, how many of them closely (the same birth date), and the size of the
    smaller household. One member born the same day in a household of one; else two members
    with one of them born the same day, or three members, or everyone in a household of two.
    Members born the same year with similar names are common; a family is not."""
    if smaller <= 1:
        return closely >= 1
    return (matched >= 2 and closely >= 1) or matched >= 3 or matched >= smaller


def possible_earlier_files(family: Family, people: list[Person] | None = None) -> dict:
    """{earlier family id: (members matched, members of the referral)} for ``family``."""
    people = list(family.members.all()) if people is None else people
    members = [Member.of(p) for p in people]
    found = candidates(family, members)
    if not found:
        return {}
    sizes = dict(
        Person.objects.filter(family_id__in=found)
        .order_by()
        .values("family_id")
        .annotate(n=Count("id"))
        .values_list("family_id", "n")
    )
    result = {}
    for earlier, (matched, closely) in found.items():
        smaller = min(len(members), sizes.get(earlier, 0))
        if is_possible_earlier_file(len(matched), len(closely), smaller):
            result[earlier] = (len(matched), len(members))
    return result


@transaction.atomic
def look_for_earlier_files(
    actor: Actor, family: Family, people: list[Person] | None = None
) -> list[PossibleDuplicate]:
    """Keep the possible earlier files of a new referral; when the person who registered it
    may not see one of them, the project's coordinators are told to check it."""
    found = possible_earlier_files(family, people)
    if not found:
        return []
    made = []
    for earlier, (matched, members) in sorted(found.items(), key=lambda kv: -kv[1][0]):
        duplicate, created = PossibleDuplicate.objects.get_or_create(
            family=family, earlier_id=earlier, defaults={"matched": matched, "members": members}
        )
        if created:
            record(actor, AuditAction.CREATE, duplicate)
            made.append(duplicate)
    hidden = not set(found) <= set(
        Family.objects.visible_to(actor.user).filter(pk__in=found).values_list("pk", flat=True)
    )
    if made and hidden:
        told = coordinators(family.project_id)
        notify(
            Kind.POSSIBLE_DUPLICATE,
            told,
            family=family,
            params={"n": len(made)},
            link=family.get_absolute_url(),
            not_to=actor.user,
        )
    return made


@dataclass
class OnFile:
    """A referral's possible earlier files as one reader meets them on the family page."""

    open: list[PossibleDuplicate]  # to settle: the reader may see the earlier file
    hidden: int  # open, but the reader may not see the earlier file: a coordinator checks
    settled: list[PossibleDuplicate]  # decided, earlier file visible to the reader


def on_file(user, family: Family) -> OnFile:
    """What ``user`` is shown of ``family``'s possible earlier files (one query when there
    are none, as for almost every file)."""
    found = list(family.possible_duplicates.order_by("found_at"))
    if not found:
        return OnFile([], 0, [])
    prefetch_related_objects(found, "decided_by")  # not joined: almost every file has none
    earlier = Family.objects.visible_to(user).in_bulk([d.earlier_id for d in found])
    for duplicate in found:
        if duplicate.earlier_id in earlier:
            duplicate.earlier = earlier[duplicate.earlier_id]
    seen = [d for d in found if d.earlier_id in earlier]
    return OnFile(
        open=[d for d in seen if d.is_open],
        hidden=sum(1 for d in found if d.is_open and d.earlier_id not in earlier),
        settled=[d for d in seen if not d.is_open],
    )


# Asked by hand on every case list: the ORM's building of the list's query cost 0.3 ms.
_ANY_OPEN = "SELECT 1 FROM cases_possibleduplicate WHERE decision = '' LIMIT 1"


def waiting_list(user) -> list[PossibleDuplicate]:
    """Every open possible earlier file ``user`` may settle (both files visible), oldest
    first: the coordinator's list. The open ones are few (a partial index finds them); the
    gate is then asked about their files only, where asking it for every visible file of a
    project cost 90 ms at 20 000 families."""
    projects = user.project_ids(Role.CASE_MANAGER, Role.COORDINATOR)
    if not projects or not read(_ANY_OPEN):  # as on most pages: nothing open anywhere
        return []
    waiting = list(
        PossibleDuplicate.objects.filter(decision="", family__project_id__in=projects).order_by(
            "found_at"
        )
    )
    if not waiting:
        return []
    ids = {d.family_id for d in waiting} | {d.earlier_id for d in waiting}
    visible = set(Family.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    return [d for d in waiting if d.family_id in visible and d.earlier_id in visible]


@transaction.atomic
def decide(actor: Actor, duplicate: PossibleDuplicate, decision: str) -> PossibleDuplicate:
    """Settle a possible earlier file. Linking makes it the referral's earlier referral (the
    family page then shows the two files' history together)."""
    duplicate = PossibleDuplicate.objects.select_for_update().get(pk=duplicate.pk)
    if not duplicate.is_open:
        raise DecisionError(_("This possible earlier file has already been checked."))
    if decision not in (PossibleDuplicate.Decision.LINKED, PossibleDuplicate.Decision.DIFFERENT):
        raise DecisionError(_("Choose: link as earlier referral, or not the same."))
    family = Family.objects.select_for_update().get(pk=duplicate.family_id)
    if decision == PossibleDuplicate.Decision.LINKED:
        if family.previous_referral_id and family.previous_referral_id != duplicate.earlier_id:
            raise DecisionError(
                _("This referral is already linked to another earlier referral (%(case)s).")
                % {"case": family.previous_referral}
            )
        family.previous_referral_id = duplicate.earlier_id
        family.save(update_fields=["previous_referral", "updated_at"])
        record(actor, AuditAction.UPDATE, family)
    duplicate.decision = decision
    duplicate.decided_by = actor.user
    duplicate.decided_at = timezone.now()
    duplicate.save(update_fields=["decision", "decided_by", "decided_at"])
    record(actor, AuditAction.UPDATE, duplicate)
    return duplicate
