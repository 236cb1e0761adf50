"""OAuth2 tokens are stored hashed from now on (``COMPLIANT_BCP_RFC9700_TOKEN_STORAGE``): seal the
archive tokens the profile shows, then blank every stored access and refresh token, keeping the
SHA-256 checksum django-oauth-toolkit looks tokens up by. Existing tokens keep working."""

import hashlib
from typing import Any

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

from openocs.portal.accounts import conf, sealing


def _checksum(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def seal_and_redact(apps: Any, schema_editor: Any) -> None:
    access_tokens = apps.get_model("oauth2_provider", "AccessToken")
    refresh_tokens = apps.get_model("oauth2_provider", "RefreshToken")
    applications = apps.get_model("oauth2_provider", "Application")
    seals = apps.get_model("accounts", "SealedArchiveToken")
    archive = set(
        applications.objects.filter(name=conf.ARCHIVE_OAUTH_APPLICATION).values_list(
            "id", flat=True
        )
    )
    now = timezone.now()
    for model in (access_tokens, refresh_tokens):
        for row in model.objects.exclude(token="").only("id", "token", "token_checksum").iterator():
            if row.token_checksum != _checksum(row.token):
                model.objects.filter(pk=row.pk).update(token_checksum=_checksum(row.token))
    for row in (
        access_tokens.objects.exclude(token="")
        .filter(application_id__in=archive, expires__gt=now)
        .only("id", "token")
        .iterator()
    ):
        seals.objects.create(access_token_id=row.pk, sealed=sealing.seal(row.token))
    access_tokens.objects.exclude(token="").update(token="")
    refresh_tokens.objects.exclude(token="").update(token="")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("oauth2_provider", "0022_refreshtoken_token_family_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="SealedArchiveToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sealed", models.TextField()),
                (
                    "access_token",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="archive_seal",
                        to="oauth2_provider.accesstoken",
                    ),
                ),
            ],
        ),
        # Irreversible by nature (the clear tokens are gone); going back leaves them hashed.
        migrations.RunPython(seal_and_redact, migrations.RunPython.noop),
    ]
