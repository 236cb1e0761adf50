"""Seed the downtime categories (data, editable in the admin afterwards)."""

from django.db import migrations

CATEGORIES = [
    ("maintenance", "Maintenance", "Planned work on the telescope, enclosure or instrument."),
    ("weather", "Weather", "Closed for weather (snow, ice, storms, smoke)."),
    ("engineering", "Engineering", "Engineering and commissioning time."),
    ("education", "Education", "Reserved for education programmes or real-time sessions."),
]


def seed(apps, schema_editor):
    category = apps.get_model("downtime", "DowntimeCategory")
    for code, name, description in CATEGORIES:
        category.objects.get_or_create(
            code=code, defaults={"name": name, "description": description}
        )


def unseed(apps, schema_editor):
    category = apps.get_model("downtime", "DowntimeCategory")
    category.objects.filter(code__in=[code for code, _, _ in CATEGORIES], downtimes=None).delete()


class Migration(migrations.Migration):
    dependencies = [("downtime", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
