"""The administrators' view of how each account signs in: the accounts' list gains the
method (password, single sign-on or both), the last sign-in and its second factor."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from parcours.accounts.admin import UserAdmin
from parcours.accounts.models import User
from parcours.sso.models import ProviderLink


class SignInUserAdmin(UserAdmin):
    list_display = [
        "username",
        "first_name",
        "last_name",
        "is_active",
        "is_staff",
        "signs_in_with",
        "last_login",
        "second_factor",
        "provider_refused",
    ]
    list_select_related = ["provider_link"]

    @admin.display(description=_("signs in with"))
    def signs_in_with(self, user):
        link = _link(user)
        if link is None:
            return _("password")
        return (
            _("single sign-on and password") if user.has_usable_password() else _("single sign-on")
        )

    @admin.display(description=_("second factor at the last single sign-on"))
    def second_factor(self, user):
        link = _link(user)
        return link.get_last_factor_display() if link and link.last_factor else "—"

    @admin.display(description=_("refused by the provider"))
    def provider_refused(self, user):
        link = _link(user)
        return link.refused_at if link and link.refused_at else "—"


def _link(user) -> ProviderLink | None:
    try:
        return user.provider_link
    except ProviderLink.DoesNotExist:
        return None


admin.site.unregister(User)
admin.site.register(User, SignInUserAdmin)


@admin.register(ProviderLink)
class ProviderLinkAdmin(admin.ModelAdmin):
    """Links are made by sign-in or ``parcours link-sso``; here they are read, or deleted
    (unlinking) by an administrator who looked at a refused account."""

    list_display = ["user", "subject", "issuer", "last_sign_in_at", "last_factor", "refused_at"]
    list_filter = ["last_factor"]
    search_fields = ["user__username", "subject"]
    readonly_fields = [
        "user",
        "issuer",
        "subject",
        "linked_at",
        "last_sign_in_at",
        "last_factor",
        "checked_at",
        "refused_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        from parcours.privacy.audit import Actor
        from parcours.sso.services import unlink_account

        unlink_account(Actor.from_request(request), obj.user)

    def delete_queryset(self, request, queryset):
        for link in queryset:
            self.delete_model(request, link)
