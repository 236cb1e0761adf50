from django.apps import AppConfig


class ConfigdbConfig(AppConfig):
    name = "openocs.configdb"
    label = "configdb"
    verbose_name = "Configuration database"

    def ready(self) -> None:
        from openocs.configdb import history

        history.connect()
