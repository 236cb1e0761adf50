"""Settings shared by the ingester and the archive (spec §9.9), read from the environment.

The archive imports ``HeaderKeys`` and the rules from here, so the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from openocs.env import env_float, env_int, env_list, env_str, local_base_url
from openocs.storage import StorageConfig, config_from_env

RELATED_FRAME_KEYS = [
    "L1IDBIAS", "L1IDDARK", "L1IDFLAT", "L1IDSHUT", "L1IDMASK", "L1IDFRNG", "L1IDCAT",
    "L1IDARC", "L1ID1D", "L1ID2D", "L1IDSUM", "TARFILE", "ORIGNAME", "ARCFILE", "FLATFILE",
    "GUIDETAR",
]  # fmt: skip


@dataclass(frozen=True)
class HeaderKeys:
    """Which FITS keyword feeds which archive field (spec §9.9 defaults)."""

    observation_date: str = "DATE-OBS"
    observation_day: str = "DAY-OBS"
    observation_end_time: str = "UTSTOP"
    reduction_level: str = "RLEVEL"
    exposure_time: str = "EXPTIME"
    instrument_id: str = "INSTRUME"
    site_id: str = "SITEID"
    telescope_id: str = "TELID"
    observation_id: str = "BLKUID"
    configuration_id: str = "MOLUID"
    primary_optical_element: str = "FILTER"
    target_name: str = "OBJECT"
    request_id: str = "REQNUM"
    requestgroup_id: str = "TRACKNUM"
    configuration_type: str = "OBSTYPE"
    proposal_id: str = "PROPID"
    catalog_target_frame: str = "L1IDCAT"
    public_date: str = "L1PUBDAT"
    radius: str = "RADIUS"
    ra: str = "RA"
    dec: str = "DEC"
    thumbnail_frame_basename: str = "frame_basename"
    thumbnail_size: str = "size"
    related_frames: tuple[str, ...] = tuple(RELATED_FRAME_KEYS)


@dataclass(frozen=True)
class IngesterSettings:
    """Everything the ingester reads; ``from_env`` fills it from the environment."""

    keys: HeaderKeys = field(default_factory=HeaderKeys)
    required_headers: tuple[str, ...] = (
        "PROPID", "DATE-OBS", "DAY-OBS", "INSTRUME", "SITEID", "TELID", "OBSTYPE", "BLKUID",
    )  # fmt: skip
    header_blacklist: tuple[str, ...] = ("HISTORY", "COMMENT")
    null_header_values: tuple[str, ...] = ("N/A", "UNSPECIFIED", "UNKNOWN")
    integer_keys: tuple[str, ...] = ("REQNUM", "TRACKNUM", "BLKUID", "MOLUID")
    calibration_types: tuple[str, ...] = ("BIAS", "DARK", "SKYFLAT", "EXPERIMENTAL")
    public_proposals: tuple[str, ...] = ("EPO", "calib", "standard", "pointing")
    private_proposals: tuple[str, ...] = ("LCOEngineering",)
    private_file_types: tuple[str, ...] = ("-t00", "-x00")
    private_proposal_tags: tuple[str, ...] = ("private", "internal")
    public_proposal_tags: tuple[str, ...] = ("public",)
    days_until_public: int = 365
    archive_connect_timeout_s: float = 5.0
    """How long to wait for the archive's TCP connection."""
    archive_read_timeout_s: float = 60.0
    """How long to wait for each answer: a freshly started archive may take tens of seconds
    over its first requests while it warms up."""
    retry_deadline_s: float = 120.0
    """How long ``ocs ingest`` keeps retrying a file after timeouts, refused connections and
    5xx answers (0: no retries)."""
    api_root: str = "http://127.0.0.1:8000/"
    auth_token: str = ""
    portal_base_url: str = ""
    portal_api_token: str = ""
    storage: StorageConfig = field(default_factory=StorageConfig)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> IngesterSettings:
        """Read the settings (names as in the reference ingester, spec §9)."""
        defaults = cls()
        data_dir = env_str("OCS_DATA_DIR", "var", environ)

        def listed(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(env_list(name, list(default), environ))

        # By default the archive of `ocs up` on this machine (OCS_HOST, OCS_PORT).
        api_root = env_str("API_ROOT", local_base_url(environ) + "/", environ)
        return cls(
            required_headers=listed("REQUIRED_HEADERS", defaults.required_headers),
            header_blacklist=listed("HEADER_BLACKLIST", defaults.header_blacklist),
            null_header_values=listed("NULL_HEADER_VALUES", defaults.null_header_values),
            calibration_types=listed("CALIBRATION_TYPES", defaults.calibration_types),
            public_proposals=listed("PUBLIC_PROPOSALS", defaults.public_proposals),
            private_proposals=listed("PRIVATE_PROPOSALS", defaults.private_proposals),
            private_file_types=listed("PRIVATE_FILE_TYPES", defaults.private_file_types),
            private_proposal_tags=listed("PRIVATE_PROPOSAL_TAGS", defaults.private_proposal_tags),
            public_proposal_tags=listed("PUBLIC_PROPOSAL_TAGS", defaults.public_proposal_tags),
            days_until_public=env_int("DAYS_UNTIL_PUBLIC", 365, environ, minimum=0),
            archive_connect_timeout_s=env_float(
                "OCS_ARCHIVE_CONNECT_TIMEOUT_S",
                defaults.archive_connect_timeout_s,
                environ,
                minimum=0.001,
            ),
            archive_read_timeout_s=env_float(
                "OCS_ARCHIVE_READ_TIMEOUT_S",
                defaults.archive_read_timeout_s,
                environ,
                minimum=0.001,
            ),
            retry_deadline_s=env_float(
                "OCS_INGEST_RETRY_DEADLINE_S", defaults.retry_deadline_s, environ, minimum=0.0
            ),
            api_root=api_root if api_root.endswith("/") else api_root + "/",
            auth_token=env_str("AUTH_TOKEN", "", environ),
            portal_base_url=env_str("OBSERVATION_PORTAL_BASE_URL", "", environ),
            portal_api_token=env_str("OBSERVATION_PORTAL_API_TOKEN", "", environ),
            storage=config_from_env(environ, default_root=f"{data_dir}/archive-files"),
        )
