"""Roles: every change is in the audit trail, and no administrator gives themselves a role
that sees families (another administrator, or the operator's command, must)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from parcours.accounts.models import Membership, Role
from parcours.accounts.services import RoleError, create_user, grant_role
from parcours.privacy.audit import Actor
from parcours.privacy.models import AuditAction, AuditEvent
from tests.conftest import PASSWORD, form_data


@pytest.fixture
def second_admin(project):
    return create_user(
        username="root2", password=PASSWORD, project=project, role=Role.ADMINISTRATOR
    )


def test_the_operators_command_gives_and_takes_a_role_with_an_audit_row(administrator, project):
    out = io.StringIO()
    call_command("grant_role", "root", "--project", "pt", "--role", "coordinator", stdout=out)
    assert "root is now coordinator in pt" in out.getvalue()
    assert Membership.objects.get(user=administrator, project=project).role == "coordinator"
    granted = AuditEvent.objects.filter(action=AuditAction.ROLE_GRANTED, user=None).last()
    assert granted.object_type == "accounts.membership"
    call_command("grant_role", "root", "--project", "pt", "--revoke", stdout=out)
    assert not Membership.objects.filter(user=administrator, project=project).exists()
    assert AuditEvent.objects.filter(action=AuditAction.ROLE_REVOKED).count() == 1


def test_the_command_names_what_is_wrong(administrator):
    with pytest.raises(CommandError, match="'nobody': no such user"):
        call_command("grant_role", "nobody", "--project", "pt", "--role", "coordinator")
    with pytest.raises(CommandError, match="--role is needed"):
        call_command("grant_role", "root", "--project", "pt")


def test_an_administrator_cannot_give_themselves_a_role_that_sees_families(
    administrator, second_admin, other_project
):
    with pytest.raises(RoleError, match="cannot give yourself"):
        grant_role(Actor(administrator), administrator, other_project, Role.COORDINATOR)
    assert not Membership.objects.filter(user=administrator, project=other_project).exists()
    grant_role(Actor(second_admin), administrator, other_project, Role.COORDINATOR)
    row = AuditEvent.objects.filter(action=AuditAction.ROLE_GRANTED, user=second_admin).get()
    assert row.object_type == "accounts.membership"


def _change_page(client, user):
    url = f"/admin/accounts/user/{user.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(form_data(formset.management_form))
        for form in formset.forms:
            data.update(form_data(form))
    return url, data


def test_the_admin_site_refuses_a_self_grant_and_audits_a_colleagues(
    administrator, second_admin, other_project, login
):
    client = login(administrator)
    url, data = _change_page(client, administrator)
    extra = int(data["memberships-TOTAL_FORMS"]) - 1
    data.update(
        {
            f"memberships-{extra}-project": other_project.pk,
            f"memberships-{extra}-role": "coordinator",
        }
    )
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "cannot give yourself a role that sees families" in refused.content.decode()
    assert not Membership.objects.filter(user=administrator, project=other_project).exists()

    colleague = login(second_admin)
    url, data = _change_page(colleague, administrator)
    extra = int(data["memberships-TOTAL_FORMS"]) - 1
    data.update(
        {
            f"memberships-{extra}-project": other_project.pk,
            f"memberships-{extra}-role": "coordinator",
        }
    )
    assert colleague.post(url, data).status_code == 302
    assert Membership.objects.get(user=administrator, project=other_project).role == "coordinator"
    assert AuditEvent.objects.filter(
        action=AuditAction.ROLE_GRANTED, user=second_admin, page__startswith="admin:"
    ).exists()
