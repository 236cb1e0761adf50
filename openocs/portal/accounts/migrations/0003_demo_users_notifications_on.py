"""Turn e-mail notifications on for the demo users of an existing demo database, once.

Demo users created before the demo turned notifications on at creation kept them off, so an
existing ``var/`` never showed the completion e-mails after ``make run``. This runs once per
database: a demo user who turns notifications off afterwards keeps that choice. Only the demo
accounts (``alice``, ``bob`` with their ``@example.org`` addresses, of the demo institution) are
touched; a database without them is unchanged.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

DEMO_USERNAMES = ("alice", "bob")
DEMO_INSTITUTION = "OpenOCS Demo Observatory"


def demo_notifications_on(apps: Any, schema_editor: Any) -> None:
    profile_model = apps.get_model("accounts", "Profile")
    profile_model.objects.filter(
        user__username__in=DEMO_USERNAMES,
        user__email__in=[f"{name}@example.org" for name in DEMO_USERNAMES],
        institution=DEMO_INSTITUTION,
    ).update(notifications_enabled=True)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_sealed_archive_token")]

    operations = [migrations.RunPython(demo_notifications_on, migrations.RunPython.noop)]
