from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "openocs.portal.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from openocs.portal import events
        from openocs.portal.notifications import emails, webhooks

        events.subscribe(events.publish_to_redis)
        events.subscribe(webhooks.on_event)
        events.subscribe(emails.on_event)
