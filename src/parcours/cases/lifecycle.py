"""The lifecycle of a family file as an explicit state machine.

    referred → screening → active ⇄ paused → closed
    referred | screening → declined | withdrawn

Each transition names the states it leaves from, the state it reaches, the roles that may
take it, and whether a reason is required. Anything else is refused with a message.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Role
from parcours.cases.choices import FamilyStatus as S


class TransitionError(Exception):
    """A transition that the file's state or the user's role does not allow."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    reason_required: bool = False


_BOTH = (Role.CASE_MANAGER, Role.COORDINATOR)

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition("start_screening", _("Start screening"), (S.REFERRED,), S.SCREENING, _BOTH),
        Transition("admit", _("Admit"), (S.SCREENING,), S.ACTIVE, (Role.COORDINATOR,)),
        Transition(
            "decline",
            _("Decline"),
            (S.REFERRED, S.SCREENING),
            S.DECLINED,
            (Role.COORDINATOR,),
            reason_required=True,
        ),
        Transition(
            "withdraw",
            _("Withdraw"),
            (S.REFERRED, S.SCREENING),
            S.WITHDRAWN,
            _BOTH,
            reason_required=True,
        ),
        Transition("pause", _("Pause"), (S.ACTIVE,), S.PAUSED, _BOTH, reason_required=True),
        Transition("resume", _("Resume"), (S.PAUSED,), S.ACTIVE, _BOTH),
        Transition("close", _("Close"), (S.ACTIVE, S.PAUSED), S.CLOSED, (Role.COORDINATOR,)),
    ]
}


def get_transition(name: str) -> Transition:
    try:
        return TRANSITIONS[name]
    except KeyError:
        raise TransitionError(_("There is no step called “%(name)s”.") % {"name": name}) from None


def user_role_in(user, project_id: int) -> str | None:
    for role in (Role.COORDINATOR, Role.CASE_MANAGER):
        if user.has_role(role, project_id):
            return role
    return None


def check(transition: Transition, family, user) -> None:
    """Raise TransitionError unless ``user`` may take ``transition`` on ``family`` now."""
    if family.status not in transition.sources:
        raise TransitionError(
            _("A %(status)s file cannot take the step “%(step)s”.")
            % {"status": family.get_status_display(), "step": transition.label}
        )
    if user_role_in(user, family.project_id) not in transition.roles:
        raise TransitionError(
            _("Only a %(roles)s may take the step “%(step)s”.")
            % {
                "roles": _(" or ").join(str(Role(r).label) for r in transition.roles),
                "step": transition.label,
            }
        )


def available(family, user) -> list[Transition]:
    """The steps this user may take on this file now, in the order they appear."""
    role = user_role_in(user, family.project_id)
    return [t for t in TRANSITIONS.values() if family.status in t.sources and role in t.roles]
