from django.apps import AppConfig


class RequestGroupsConfig(AppConfig):
    name = "openocs.portal.requestgroups"
    label = "requestgroups"
    verbose_name = "Request groups"
