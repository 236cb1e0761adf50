from __future__ import annotations

from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "openocs.portal.home"
    label = "portal_home"
    verbose_name = "Portal front page"
