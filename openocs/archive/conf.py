"""Settings of the archive, read from the environment (a Django setting of the same name wins).

| variable | default | meaning |
|---|---|---|
| `FILESTORE_TYPE` | `local` | `local`, `s3` or `dummy` (shared with the ingester) |
| `FILESYSTEM_STORAGE_ROOT_DIR` | `$OCS_DATA_DIR/archive-files` | root of the local store |
| `FILESYSTEM_STORAGE_BASE_URL` | (the archive's `files/` route) | base of signed local URLs |
| `BUCKET`, `S3_ENDPOINT_URL`, `S3_ADDRESSING_STYLE`, `AWS_*` | | the S3 store |
| `ARCHIVE_DOWNLOAD_URL_EXPIRY_S` | 172800 (48 h) | lifetime of signed download URLs |
| `ARCHIVE_PROPOSALS_CACHE_S` | 600 | how long a user's proposal list from the portal is kept |
| `ARCHIVE_PROPOSALS_EMPTY_CACHE_S` | 300 | the same for an empty list |
| `ARCHIVE_IDENTITY_CACHE_S` | 300 | how long a verified bearer / remote portal token is kept |
| `CONFIGURATION_TYPES` | BIAS,DARK,EXPOSE,… | known configuration types |
| `SCIENCE_CONFIGURATION_TYPES` | EXPOSE,TARGET,SPECTRUM,CATALOG,OBJECT | `exclude_calibrations` |
| `ZIP_DOWNLOAD_FILENAME_BASE` | `ocs_archive_data` | zip file and folder name |
| `ZIP_DOWNLOAD_MAX_UNCOMPRESSED_FILES` | 10 | frames per zip with `uncompress` |
| `ARCHIVE_ZIP_MAX_FILES` | 1000 | frames per zip for non-staff users |
| `ARCHIVE_ZIP_MAX_BYTES` | 20 GB | bytes per zip for non-staff users |
| `ARCHIVE_THUMBNAILS` | true | generate thumbnails after ingest (huey task) |
| `ARCHIVE_SKY_MAX_CANDIDATES` | 30000 | candidate rows a footprint query may refine |
| `OAUTH_SERVER_KEY` | (empty: disabled) | key of `Authorization: Server <key>` account pushes |
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings

from openocs.env import env_bool, env_int, env_list
from openocs.ingester.settings import HeaderKeys, IngesterSettings
from openocs.storage import StorageConfig, config_from_env

DEFAULT_CONFIGURATION_TYPES = [
    "BIAS", "DARK", "EXPOSE", "SPECTRUM", "LAMPFLAT", "SKYFLAT", "STANDARD", "TRAILED", "GUIDE",
    "EXPERIMENTAL", "CATALOG",
]  # fmt: skip
THUMBNAIL_SIZES_PX = {"small": 200, "medium": 600, "large": 1200}


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def storage_config() -> StorageConfig:
    """The store of this archive; the local store signs with a key derived from SECRET_KEY."""
    configured = _setting("ARCHIVE_STORAGE", None)
    if isinstance(configured, StorageConfig):
        return configured
    base = config_from_env(default_root=str(settings.DATA_DIR / "archive-files"))
    signing_key = hashlib.sha256(f"archive-files:{settings.SECRET_KEY}".encode()).hexdigest()
    return StorageConfig(**{**base.__dict__, "signing_key": signing_key})


def url_expiry_s() -> int:
    return int(
        _setting(
            "ARCHIVE_DOWNLOAD_URL_EXPIRY_S",
            env_int("ARCHIVE_DOWNLOAD_URL_EXPIRY_S", 48 * 3600, minimum=60),
        )
    )


def proposals_cache_s() -> int:
    return int(
        _setting("ARCHIVE_PROPOSALS_CACHE_S", env_int("ARCHIVE_PROPOSALS_CACHE_S", 600, minimum=0))
    )


def proposals_empty_cache_s() -> int:
    return int(
        _setting(
            "ARCHIVE_PROPOSALS_EMPTY_CACHE_S",
            env_int("ARCHIVE_PROPOSALS_EMPTY_CACHE_S", 300, minimum=0),
        )
    )


def identity_cache_s() -> int:
    return int(
        _setting("ARCHIVE_IDENTITY_CACHE_S", env_int("ARCHIVE_IDENTITY_CACHE_S", 300, minimum=0))
    )


def configuration_types() -> list[str]:
    return list(
        _setting(
            "CONFIGURATION_TYPES", env_list("CONFIGURATION_TYPES", DEFAULT_CONFIGURATION_TYPES)
        )
    )


def configdb_configuration_types() -> set[str]:
    """Configuration-type codes of configdb's instruments (empty when configdb is unreachable)."""
    from django.core.exceptions import ImproperlyConfigured

    from openocs.clients.errors import ClientError

    try:
        from openocs.web.clients import configdb_client

        network = configdb_client().network()
    except (ClientError, ImproperlyConfigured):
        return set()
    return {
        configuration_type.code
        for location in network.telescopes
        for instrument in location.telescope.instrument_set
        for configuration_type in instrument.instrument_type.configuration_types
    }


def known_configuration_types() -> list[str]:
    """The setting's types plus configdb's (spec §4.1), the setting alone if configdb is down."""
    return sorted(set(configuration_types()) | configdb_configuration_types())


def science_configuration_types() -> list[str]:
    default = ["EXPOSE", "TARGET", "SPECTRUM", "CATALOG", "OBJECT"]
    return list(
        _setting("SCIENCE_CONFIGURATION_TYPES", env_list("SCIENCE_CONFIGURATION_TYPES", default))
    )


def zip_filename_base() -> str:
    from openocs.env import env_str

    return str(
        _setting(
            "ZIP_DOWNLOAD_FILENAME_BASE", env_str("ZIP_DOWNLOAD_FILENAME_BASE", "ocs_archive_data")
        )
    )


def zip_max_uncompressed_files() -> int:
    return int(
        _setting(
            "ZIP_DOWNLOAD_MAX_UNCOMPRESSED_FILES",
            env_int("ZIP_DOWNLOAD_MAX_UNCOMPRESSED_FILES", 10, minimum=1),
        )
    )


def zip_max_files() -> int:
    return int(_setting("ARCHIVE_ZIP_MAX_FILES", env_int("ARCHIVE_ZIP_MAX_FILES", 1000, minimum=1)))


def zip_max_bytes() -> int:
    return int(
        _setting("ARCHIVE_ZIP_MAX_BYTES", env_int("ARCHIVE_ZIP_MAX_BYTES", 20 * 1024**3, minimum=1))
    )


def thumbnails_enabled() -> bool:
    return bool(_setting("ARCHIVE_THUMBNAILS", env_bool("ARCHIVE_THUMBNAILS", True)))


def sky_max_candidates() -> int:
    return int(
        _setting(
            "ARCHIVE_SKY_MAX_CANDIDATES",
            env_int("ARCHIVE_SKY_MAX_CANDIDATES", 30_000, minimum=100),
        )
    )


def server_key() -> str:
    """``OAUTH_SERVER_KEY``: the shared key of the portal's account push (empty = disabled)."""
    from openocs.env import env_str

    return str(_setting("OAUTH_SERVER_KEY", env_str("OAUTH_SERVER_KEY", "")))


def header_keys() -> HeaderKeys:
    """The header key mapping shared with the ingester (spec §9.9)."""
    return IngesterSettings().keys


def portal_page_url(path: str) -> str | None:
    """The portal's page ``path`` as a browser reaches it, for links from the archive's pages.

    Co-hosted, the portal is on this site; deployed alone, the archive links to
    ``OCS_PORTAL_PUBLIC_URL`` when it is set, and to nothing otherwise.
    """
    from django.urls import get_script_prefix

    from openocs.env import env_str
    from openocs.server.components import mount_prefix

    components = list(settings.OCS_COMPONENTS)
    if "portal" in components:
        return f"{get_script_prefix()}{mount_prefix('portal', components)}{path}"
    base = str(_setting("OCS_PORTAL_PUBLIC_URL", env_str("OCS_PORTAL_PUBLIC_URL", "")))
    return f"{base.rstrip('/')}/{path}" if base else None
