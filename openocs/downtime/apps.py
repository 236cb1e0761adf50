from django.apps import AppConfig


class DowntimeConfig(AppConfig):
    name = "openocs.downtime"
    label = "downtime"
    verbose_name = "Downtime database"
