"""A family referred again under another spelling: earlier files of the project whose members
match a new referral's, shown to whoever may see them, and settled by a person.

A member matches an earlier file's member when a sound of each part of their name is among the
other's (``parcours.cases.names.NameSounds``: "Muhammad Aly" and "Mohamed Ali", given and family
names swapped, a father's name dropped), their birth years are at most a year apart and their
nationalities agree (either unknown passes). A file is a possible earlier referral when two of
the referral's members match; when either household has one member, when that one matches
with the same birth date. Only sealed sounds are compared: no name is read from the earlier
files.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts.models import Role, User
from parcours.cases.models import Family, NameToken, Person, PossibleDuplicate
from parcours.cases.names import Key, NameSounds, sound_digests
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
        """The one member of a household of one is all there is to go on: the same birth
        date (day and month may be swapped), or the same year when one has only the year."""
        if not (self.birth and birth):
            return False
        mine, theirs = self.birth.exact, birth.exact
        if mine and theirs:
            return mine == theirs or (mine.year, mine.day, mine.month) == (
                theirs.year,
                theirs.month,
                theirs.day,
            )
        return self.birth.year == birth.year


def linked_files(family: Family) -> set:
    """The file itself and those already linked to it as earlier or later referrals."""
    linked = {family.pk}
    if family.previous_referral_id:
        linked.add(family.previous_referral_id)
    linked.update(family.later_referrals.values_list("pk", flat=True))
    return linked


def candidates(family: Family, members: list[Member]) -> dict:
    """{earlier family id: ({members of the referral that match one of its members}, {those
    that match closely})}."""
    found: dict = defaultdict(lambda: (set(), set()))
    linked = linked_files(family)
    for index, member in enumerate(members):
        given, names = sound_digests(member.sounds)
        if not given or not names:
            continue
        people = (
            NameToken.objects.filter(
                kind=Key.SOUND,
                digest__in=given | names,
                family__project_id=family.project_id,
                family__created_at__lt=family.created_at,
                family__pooled_from=None,
            )
            .exclude(family_id__in=linked)
            .values("person_id")
            .annotate(
                given=Count("digest", filter=Q(digest__in=given)),
                names=Count("digest", filter=Q(digest__in=names)),
            )
            .filter(given__gt=0, names__gt=0)
            .values("person_id")
        )
        for person in Person.objects.filter(pk__in=people).only(
            "id", "family_id", "birth_date", "nationality"
        ):
            birth = PartialDate(person.birth_date) if person.birth_date else None
            if member.agrees(birth, person.nationality):
                matched, closely = found[person.family_id]
                matched.add(index)
                if member.agrees_closely(birth):
                    closely.add(index)
    return found


def possible_earlier_files(family: Family, people: list[Person] | None = None) -> dict:
    """{earlier family id: (members matched, members of the referral)} for ``family``: two
    members matching, or, when either household has one member, that one matching closely."""
    people = list(family.members.all()) if people is None else people
    members = [Member.of(p) for p in people]
    found = candidates(family, members)
    if not found:
        return {}
    sizes = dict(
        Person.objects.filter(family_id__in=found)
        .values("family_id")
        .annotate(n=Count("id"))
        .values_list("family_id", "n")
    )
    result = {}
    for earlier, (matched, closely) in found.items():
        if min(len(members), sizes.get(earlier, 0)) > 1:
            if len(matched) >= 2:
                result[earlier] = (len(matched), len(members))
        elif closely:
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
        coordinators = User.objects.filter(
            memberships__project_id=family.project_id,
            memberships__role=Role.COORDINATOR,
            is_active=True,
        )
        notify(
            Kind.POSSIBLE_DUPLICATE,
            coordinators,
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
    found = list(family.possible_duplicates.select_related("decided_by").order_by("found_at"))
    if not found:
        return OnFile([], 0, [])
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


def waiting_list(user):
    """Every open possible earlier file ``user`` may settle (both files visible), oldest
    first: the coordinator's list."""
    visible = Family.objects.visible_to(user).values("pk")
    return (
        PossibleDuplicate.objects.filter(decision="", family__in=visible, earlier__in=visible)
        .select_related("family", "earlier")
        .order_by("found_at")
    )


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
