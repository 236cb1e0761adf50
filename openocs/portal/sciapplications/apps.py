"""Django application configuration of the science applications."""

from __future__ import annotations

from django.apps import AppConfig


class SciApplicationsConfig(AppConfig):
    name = "openocs.portal.sciapplications"
    label = "sciapplications"
    verbose_name = "Calls and science applications"
    default_auto_field = "django.db.models.BigAutoField"
