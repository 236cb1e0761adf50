from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "openocs.archive"
    label = "archive"
    verbose_name = "Science archive"
    default_auto_field = "django.db.models.BigAutoField"
