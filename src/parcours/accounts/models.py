"""Users and what they may do in each project.

A user holds one role per project. What a role may see of case data is decided in one place,
``parcours.cases.visibility``; this module only records who holds which role where.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASE_MANAGER = "case_manager", _("case manager")
    COORDINATOR = "coordinator", _("coordinator")
    EVALUATOR = "evaluator", _("evaluator")
    ADMINISTRATOR = "administrator", _("administrator")


class User(AbstractUser):
    """A person who signs in. Staff status is only for the administrators' admin site."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self):
        return self.get_full_name() or self.username

    def project_ids(self, *roles: Role) -> set[int]:
        """Projects where the user holds one of ``roles`` (memberships cached per instance)."""
        if not hasattr(self, "_memberships"):
            self._memberships = list(self.memberships.values_list("project_id", "role"))
        return {pid for pid, role in self._memberships if role in roles}

    def has_role(self, role: Role, project_id: int | None = None) -> bool:
        ids = self.project_ids(role)
        return bool(ids) if project_id is None else project_id in ids


class Membership(models.Model):
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "project"], name="one_role_per_project")
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.project}"
