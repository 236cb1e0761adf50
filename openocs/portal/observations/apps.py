from django.apps import AppConfig


class ObservationsConfig(AppConfig):
    name = "openocs.portal.observations"
    label = "observations"
    verbose_name = "Observations"
