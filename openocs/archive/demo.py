"""Demo data for the archive: the real LCO frames ingested through the ingester (idempotent)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from openocs.env import env_str

DEMO_INGESTER = "archive-ingester"


def demo_fits_dir() -> Path:
    """Where the demo frames are (``ARCHIVE_DEMO_FITS_DIR``, default ``data/demo-fits`` of the
    checkout: the eight real LCO frames of ``shared/data/fits``, kept in the repository so that
    ``make run`` loads them on any machine)."""
    default = Path(settings.BASE_DIR) / "data" / "demo-fits"
    return Path(env_str("ARCHIVE_DEMO_FITS_DIR", str(default)))


def load_demo() -> str:
    """Ingest every demo frame not archived yet; returns a one-line summary."""
    from openocs.archive import files
    from openocs.clients.archive import ArchiveClient
    from openocs.ingester import Ingester, IngesterError, IngesterSettings, NonFatalDoNotRetryError
    from openocs.web.clients import component_endpoint

    folder = demo_fits_dir()
    paths = sorted(folder.glob("*.fits*")) if folder.is_dir() else []
    if not paths:
        return f"no demo frames in {folder} (set ARCHIVE_DEMO_FITS_DIR)"
    user, _ = get_user_model().objects.get_or_create(
        username=DEMO_INGESTER, defaults={"is_staff": True, "is_superuser": True}
    )
    token, _ = Token.objects.get_or_create(user=user)
    base_url, transport = component_endpoint("archive")
    added = duplicates = failed = 0
    with ArchiveClient(base_url, token=token.key, transport=transport) as archive:
        ingester = Ingester.from_settings(
            IngesterSettings(), storage=files.storage(), archive=archive
        )
        for path in paths:
            try:
                ingester.ingest_path(path)
                added += 1
            except NonFatalDoNotRetryError:
                duplicates += 1
            except IngesterError:
                failed += 1
    return f"{added} frames ingested, {duplicates} already there, {failed} refused"
