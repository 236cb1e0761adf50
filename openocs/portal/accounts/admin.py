"""Admin of users and their profiles: search by name, e-mail and institution; filter by flags."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from openocs.portal.accounts.models import Profile


class ProfileInline(admin.StackedInline):  # type: ignore[type-arg]
    model = Profile
    can_delete = False
    fk_name = "user"
    raw_id_fields = ("created_by",)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "user",
        "institution",
        "title",
        "staff_view",
        "education_user",
        "notifications_enabled",
        "terms_accepted",
        "password_expiration",
    )
    list_filter = (
        "staff_view",
        "education_user",
        "notifications_enabled",
        "view_authored_requests_only",
        "simple_interface",
    )
    search_fields = (
        "user__username",
        "user__email",
        "user__first_name",
        "user__last_name",
        "institution",
    )
    list_select_related = ("user",)
    raw_id_fields = ("user", "created_by")


_user_model = get_user_model()
if admin.site.is_registered(_user_model):
    admin.site.unregister(_user_model)


@admin.register(_user_model)
class PortalUserAdmin(UserAdmin):  # type: ignore[type-arg]
    """Django's user admin with the profile inline and profile filters."""

    inlines = (ProfileInline,)
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "profile__institution",
        "is_staff",
        "is_active",
    )
    list_filter = (*UserAdmin.list_filter, "profile__staff_view", "profile__education_user")
    search_fields = (*UserAdmin.search_fields, "profile__institution")
    list_select_related = ("profile",)
