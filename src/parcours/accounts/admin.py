from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from parcours.accounts.models import Membership, User
from parcours.accounts.services import RoleError, check_grant, grant_role, revoke_role
from parcours.privacy.audit import Actor


class MembershipFormSet(BaseInlineFormSet):
    """Roles given in the admin site: none that sees families to the administrator
    themselves (``check_grant``)."""

    actor: Actor

    def clean(self):
        super().clean()
        for form in self.forms:
            if not form.has_changed() or (self.can_delete and self._should_delete_form(form)):
                continue
            role = form.cleaned_data.get("role")
            try:
                check_grant(self.actor, self.instance, role)
            except RoleError as error:
                raise ValidationError(str(error)) from None


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    extra = 1
    fields = ["project", "role"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.actor = Actor.from_request(request)
        return formset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "is_active", "is_staff"]

    def save_formset(self, request, form, formset, change):
        """Roles go through the services, so each change is in the audit trail."""
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        actor = Actor.from_request(request)
        # What the admin's own change message reads (formset.save() would set these).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline in formset.forms:
            if not inline.has_changed() and not formset._should_delete_form(inline):
                continue
            membership = inline.instance
            if formset._should_delete_form(inline):
                if membership.pk:
                    revoke_role(actor, membership)
                    formset.deleted_objects.append(membership)
                continue
            data = inline.cleaned_data
            if membership.pk and membership.project_id != data["project"].pk:
                revoke_role(actor, Membership.objects.get(pk=membership.pk))
            granted = grant_role(actor, form.instance, data["project"], data["role"])
            if membership.pk:
                formset.changed_objects.append((granted, inline.changed_data))
            else:
                formset.new_objects.append(granted)
        return None
