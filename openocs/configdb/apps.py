from django.apps import AppConfig


class ConfigdbConfig(AppConfig):
    name = "openocs.configdb"
    label = "configdb"
    verbose_name = "Configuration database"
