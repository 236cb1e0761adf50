"""The one signal of the app: a profile row for every new user (a single-row side effect)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from openocs.portal.accounts.models import Profile


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts-profile-create")
def create_profile(
    sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """Give a newly created user its profile (fixtures loading raw rows bring their own)."""
    if created and not raw:
        Profile.objects.get_or_create(user=instance)
