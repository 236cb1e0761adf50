"""Seed the five mode types (spec configdb §1.3) and the change-detection singleton."""

from django.db import migrations
from django.utils import timezone

MODE_TYPES = ("readout", "guiding", "acquisition", "exposure", "rotator")


def seed(apps, schema_editor):
    ModeType = apps.get_model("configdb", "ModeType")
    ConfigState = apps.get_model("configdb", "ConfigState")
    for mode_type in MODE_TYPES:
        ModeType.objects.get_or_create(id=mode_type)
    ConfigState.objects.get_or_create(pk=1, defaults={"version": 0, "last_write": timezone.now()})


def unseed(apps, schema_editor):
    apps.get_model("configdb", "ModeType").objects.filter(id__in=MODE_TYPES).delete()


class Migration(migrations.Migration):
    dependencies = [("configdb", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
