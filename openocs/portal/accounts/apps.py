"""Django application configuration of the portal accounts."""

from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "openocs.portal.accounts"
    label = "accounts"
    verbose_name = "Accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every user gets a profile, whichever path created it (admin, CLI, services).
        from openocs.portal.accounts import signals  # noqa: F401
