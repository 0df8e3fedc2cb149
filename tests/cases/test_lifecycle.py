"""The lifecycle state machine: legal steps, who may take them, what each one records."""

import datetime

import pytest

from parcours.cases import services
from parcours.cases.lifecycle import TRANSITIONS, TransitionError, available
from parcours.cases.models import Family
from parcours.privacy.audit import Actor


def test_a_family_goes_from_referral_to_closure(make_family, case_manager, coordinator):
    family = make_family("closed")
    steps = list(family.status_changes.order_by("at").values_list("to_status", "by__username"))
    assert steps == [
        ("referred", "sara"),
        ("screening", "sara"),
        ("active", "marie"),
        ("closed", "marie"),
    ]
    assert family.case_number == "PT-2026-001"
    assert (family.resolution, family.engagement_at_closure) == (
        "stay_temporary",
        "remained_engaged",
    )


def test_every_step_stores_who_when_and_why(make_family, case_manager):
    family = make_family("active")
    services.take_step(Actor(case_manager), family, "pause", reason="Family needs time")
    change = family.status_changes.order_by("-at").first()
    assert (change.from_status, change.to_status, change.by) == ("active", "paused", case_manager)
    assert change.reason == "Family needs time"
    assert change.at is not None


@pytest.mark.parametrize(
    ("status", "step"),
    [
        ("referred", "admit"),
        ("referred", "close"),
        ("active", "decline"),
        ("closed", "resume"),
        ("declined", "admit"),
        ("withdrawn", "start_screening"),
        ("paused", "pause"),
    ],
)
def test_an_illegal_step_is_refused_with_a_message(make_family, coordinator, status, step):
    family = make_family(status)
    with pytest.raises(TransitionError, match="cannot take the step"):
        services.take_step(
            Actor(coordinator), family, step, reason="x", admitted_on=datetime.date(2026, 3, 1)
        )
    assert Family.objects.get(pk=family.pk).status == status


def test_only_coordinators_admit_decline_and_close(make_family, case_manager):
    family = make_family("screening")
    for step in ("admit", "decline"):
        with pytest.raises(TransitionError, match="Only a coordinator"):
            services.take_step(Actor(case_manager), family, step, reason="x")
    active = make_family("active")
    with pytest.raises(TransitionError, match="Only a coordinator"):
        services.take_step(Actor(case_manager), active, "close")


def test_closing_requires_the_outcome_codes(make_family, coordinator):
    family = make_family("active")
    with pytest.raises(TransitionError, match="resolution"):
        services.take_step(Actor(coordinator), family, "close", closed_on=datetime.date(2026, 4, 1))
    assert Family.objects.get(pk=family.pk).status == "active"


def test_steps_that_need_a_reason_refuse_an_empty_one(make_family, coordinator):
    family = make_family("screening")
    with pytest.raises(TransitionError, match="reason"):
        services.take_step(Actor(coordinator), family, "decline", reason="   ")


def test_admission_needs_every_criterion_assessed(make_family, coordinator, case_manager):
    family = make_family("referred")
    criteria = list(family.project.criteria.all())
    services.assess(Actor(case_manager), family, [(criteria[0], "met", "")])
    with pytest.raises(TransitionError, match="every criterion"):
        services.take_step(
            Actor(coordinator),
            family,
            "admit",
            admitted_on=datetime.date(2026, 2, 1),
            case_managers=[case_manager],
        )


def test_admission_assigns_one_or_two_of_the_projects_case_managers(
    make_family, coordinator, case_manager, outsider
):
    family = make_family("screening")
    for wrong in ([], [outsider]):
        with pytest.raises(TransitionError, match="case managers"):
            services.take_step(
                Actor(coordinator),
                family,
                "admit",
                admitted_on=datetime.date(2026, 2, 1),
                case_managers=wrong,
            )
    assert Family.objects.get(pk=family.pk).case_number == ""


def test_case_numbers_count_per_project_and_year(make_family, coordinator, case_manager):
    first, second = make_family("active"), make_family("active")
    third = make_family("screening", referred_on=datetime.date(2025, 12, 1))
    services.take_step(
        Actor(coordinator),
        third,
        "admit",
        admitted_on=datetime.date(2025, 12, 30),
        case_managers=[case_manager],
    )
    assert [first.case_number, second.case_number] == ["PT-2026-001", "PT-2026-002"]
    assert Family.objects.get(pk=third.pk).case_number == "PT-2025-001"


def test_the_steps_offered_depend_on_state_and_role(make_family, case_manager, coordinator):
    family = make_family("screening")
    assert [t.name for t in available(family, case_manager)] == ["withdraw"]
    assert [t.name for t in available(family, coordinator)] == ["admit", "decline", "withdraw"]
    assert set(TRANSITIONS) == {
        "start_screening",
        "admit",
        "decline",
        "withdraw",
        "pause",
        "resume",
        "close",
    }


def test_a_declined_family_can_be_referred_again_and_is_linked(make_family, case_manager):
    earlier = make_family("declined")
    again = services.refer_again(Actor(case_manager), earlier, datetime.date(2026, 5, 2))
    assert again.previous_referral == earlier
    assert again.status == "referred"
    assert [p.full_name for p in again.household] == [p.full_name for p in earlier.household]
    assert list(earlier.later_referrals.all()) == [again]


def test_an_active_family_cannot_be_referred_again(make_family, case_manager):
    with pytest.raises(TransitionError):
        services.refer_again(Actor(case_manager), make_family("active"), datetime.date(2026, 5, 2))
