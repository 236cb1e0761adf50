"""Django application configuration of the portal proposals."""

from __future__ import annotations

from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "openocs.portal.proposals"
    label = "proposals"
    verbose_name = "Proposals and time allocation"
    default_auto_field = "django.db.models.BigAutoField"
