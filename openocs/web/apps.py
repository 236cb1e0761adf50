"""The ``openocs.web`` Django app: the shared layout, partials, template tags and static files."""

from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "openocs.web"
    label = "ocs_web"
    verbose_name = "OpenOCS web pages"
