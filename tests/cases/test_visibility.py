"""The visibility gate, Family.objects.visible_to(user), role by role."""

from parcours.cases.models import Family


def test_case_managers_see_only_their_assigned_families(make_family, case_manager, colleague):
    mine = make_family()
    theirs = make_family(by=colleague)
    assert set(Family.objects.visible_to(case_manager)) == {mine}
    assert set(Family.objects.visible_to(colleague)) == {theirs}


def test_a_family_with_two_case_managers_is_visible_to_both(make_family, case_manager, colleague):
    family = make_family()
    family.case_managers.add(colleague)
    assert family in Family.objects.visible_to(colleague)
    assert Family.objects.visible_to(case_manager).filter(pk=family.pk).count() == 1


def test_coordinators_see_every_family_of_their_project_only(
    make_family, coordinator, outsider, colleague
):
    a, b = make_family(), make_family(by=colleague)
    assert set(Family.objects.visible_to(coordinator)) == {a, b}
    assert not Family.objects.visible_to(outsider).exists()


def test_evaluators_administrators_and_the_inactive_see_none(
    make_family, evaluator, administrator, case_manager
):
    make_family()
    assert not Family.objects.visible_to(evaluator).exists()
    assert not Family.objects.visible_to(administrator).exists()
    case_manager.is_active = False
    assert not Family.objects.visible_to(case_manager).exists()


def test_a_case_manager_of_one_project_sees_nothing_of_another(
    make_family, other_project, case_manager, outsider
):
    from parcours.accounts.models import Membership, Role

    make_family()
    elsewhere = make_family(project=other_project, by=outsider)
    # Being a case manager there, but not assigned, shows nothing there.
    Membership.objects.create(user=case_manager, project=other_project, role=Role.CASE_MANAGER)
    case_manager.__dict__.pop("_memberships", None)
    assert elsewhere not in Family.objects.visible_to(case_manager)


def test_the_figures_pass_the_same_gate_as_the_files(
    make_family, other_project, case_manager, colleague, coordinator, outsider, evaluator
):
    """The dashboard counts FamilyFigures through the gate: each person meets the figures of
    exactly the files they see."""
    from parcours.cases import figures
    from parcours.cases.models import FamilyFigures

    families = [make_family(), make_family(by=colleague)]
    families.append(make_family(project=other_project, by=outsider))
    figures.refresh([f.pk for f in families])
    for user in (case_manager, colleague, coordinator, outsider, evaluator):
        seen = set(Family.objects.visible_to(user).values_list("pk", flat=True))
        counted = set(FamilyFigures.objects.visible_to(user).values_list("pk", flat=True))
        assert counted == seen, user
    assert len(set(FamilyFigures.objects.visible_to(coordinator).values_list("pk", flat=True))) == 2
