from django.apps import AppConfig


class SchedulerRunsConfig(AppConfig):
    name = "openocs.portal.schedulerruns"
    label = "schedulerruns"
    verbose_name = "Scheduler runs"
