from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from parcours.accounts.models import Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    fields = ["project", "role"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "is_active", "is_staff"]
