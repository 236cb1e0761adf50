from django.apps import AppConfig


class ServerConfig(AppConfig):
    name = "openocs.server"
    label = "ocs_server"
    verbose_name = "OpenOCS server"
