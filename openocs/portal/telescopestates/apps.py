from django.apps import AppConfig


class TelescopeStatesConfig(AppConfig):
    name = "openocs.portal.telescopestates"
    label = "telescopestates"
    verbose_name = "Telescope states"
