"""From a file to an archive record: FITS reading, header clean-up and derived fields (§9.2–9.5)."""

from __future__ import annotations

import io
import re
import tarfile
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, BinaryIO

from astropy.io import fits

from openocs.ingester.errors import (
    DoNotRetryError,
    FileSpecificationException,
    MalformedHeaderError,
    MissingHeaderError,
)
from openocs.ingester.fitsheaders import RawHeaderError, iter_headers
from openocs.ingester.footprint import footprint
from openocs.ingester.publicdate import TagLookup, public_date
from openocs.ingester.settings import IngesterSettings

FITS_EXTENSIONS = (".fits.fz", ".fits")
THUMBNAIL_EXTENSIONS = (".jpg", ".jpeg")
SUPPORTED_EXTENSIONS = (".fits.fz", ".fits", ".tar.gz", ".pdf", ".jpg", ".jpeg")
LCO_NAME = re.compile(r"^\w+-[a-z]{2}\d\d-\d{8}-\d{4}-(?P<code>[a-z])(?P<level>\d\d)")
LETTER_TYPES = {
    "b": "BIAS", "d": "DARK", "f": "SKYFLAT", "g": "GUIDE", "s": "STANDARD", "w": "LAMPFLAT",
    "x": "EXPERIMENTAL", "e": "EXPOSE",
}  # fmt: skip


def split_filename(filename: str) -> tuple[str, str]:
    """``(basename, extension)``: the file name split at its first dot."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    if "." not in name:
        return name, ""
    index = name.index(".")
    return name[:index], name[index:]


@dataclass(frozen=True)
class FileDescription:
    """What the ingester knows about one file before uploading it."""

    basename: str
    extension: str
    headers: dict[str, Any]
    record: dict[str, Any]
    store_path: str
    public_date_rule: str
    is_thumbnail: bool = False


def _clean_value(value: Any) -> Any:
    if isinstance(value, bool | int | float | str):
        return value.strip() if isinstance(value, str) else value
    if value is None or type(value).__name__ == "Undefined":
        return None
    return str(value)


def _header_dict(header: fits.Header, blacklist: tuple[str, ...]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for card in header.cards:
        keyword = card.keyword
        if not keyword or keyword in blacklist:
            continue
        try:
            cleaned[keyword] = _clean_value(card.value)
        except (ValueError, fits.VerifyError):
            continue  # an unparsable card: skip it rather than reject the file
    return cleaned


def _read_fits_headers(
    fileobj: BinaryIO,
    required: tuple[str, ...],
    settings: IngesterSettings,
    overlay: Mapping[str, Any],
) -> tuple[dict[str, Any], Mapping[str, Any] | fits.Header | None]:
    """The cleaned headers of the first HDU holding every required keyword (with ``overlay``).

    Reads the header blocks directly (fast); files this cannot parse go through astropy.
    """
    first: tuple[dict[str, Any], dict[str, Any]] | None = None
    try:
        for raw in iter_headers(fileobj):
            cleaned = {
                key: _clean_value(value)
                for key, value in raw.items()
                if key and key not in settings.header_blacklist
            }
            merged = {**cleaned, **overlay}
            if first is None and any(key in raw for key in required):
                first = (merged, raw)
            if all(key in merged for key in _effective_required(required, merged, settings)):
                return merged, raw
    except RawHeaderError:
        return _read_fits_headers_astropy(fileobj, required, settings, overlay)
    if first is not None:
        return first
    return dict(overlay), None


def _read_fits_headers_astropy(
    fileobj: BinaryIO,
    required: tuple[str, ...],
    settings: IngesterSettings,
    overlay: Mapping[str, Any],
) -> tuple[dict[str, Any], fits.Header | None]:
    """The cleaned headers of the first HDU holding every required keyword (with ``overlay``)."""
    fileobj.seek(0)
    first: tuple[dict[str, Any], fits.Header] | None = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            hdulist = fits.open(fileobj, mode="readonly", lazy_load_hdus=True)
            try:
                for hdu in hdulist:
                    header = hdu.header
                    cleaned = _header_dict(header, settings.header_blacklist)
                    merged = {**cleaned, **overlay}
                    if first is None and any(key in header for key in required):
                        first = (merged, header.copy())
                    if all(
                        key in merged for key in _effective_required(required, merged, settings)
                    ):
                        return merged, header.copy()
            finally:
                hdulist.close(closed=False)  # the caller's file object stays open
    except (OSError, ValueError, TypeError, IndexError) as error:
        raise DoNotRetryError(f"File is not a readable FITS file: {error}") from error
    if first is not None:
        return first
    return dict(overlay), None


def _effective_required(
    required: tuple[str, ...], headers: Mapping[str, Any], settings: IngesterSettings
) -> list[str]:
    keys = settings.keys
    # D38: DAY-OBS is derived from DATE-OBS when absent.
    return [
        key
        for key in required
        if not (key == keys.observation_day and headers.get(keys.observation_date))
    ]


def _parse_datetime(keyword: str, value: Any) -> datetime:
    text = str(value).strip().replace(" ", "T")
    if text.endswith("Z"):
        text = text[:-1]
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise MalformedHeaderError(
            keyword, value, "an ISO date-time such as 2021-07-09T14:33:45.478"
        ) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _parse_day(keyword: str, value: Any) -> date:
    text = str(value).strip()
    for pattern in ("%Y%m%d", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=UTC).date()
        except ValueError:
            continue
    raise MalformedHeaderError(keyword, value, "a date YYYYMMDD")


def _nullable_int(keyword: str, value: Any, settings: IngesterSettings) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise MalformedHeaderError(keyword, value, "a non-negative integer or N/A")
    text = str(value).strip()
    if text in settings.null_header_values or "NONE" in text.upper():
        return None
    try:
        number = int(float(text)) if "." in text else int(text)
    except ValueError:
        raise MalformedHeaderError(keyword, value, "a non-negative integer or N/A") from None
    if number < 0:
        raise MalformedHeaderError(keyword, value, "a non-negative integer or N/A")
    return number


def _text(value: Any, settings: IngesterSettings) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    return "" if text in settings.null_header_values else text


def _format_datetime(value: datetime) -> str:
    text = value.astimezone(UTC).isoformat()
    return text.replace("+00:00", "Z")


def normalise_headers(headers: dict[str, Any], settings: IngesterSettings) -> dict[str, Any]:
    """Null values and related-frame extensions cleaned as spec §9.3 steps 4–5 say."""
    cleaned: dict[str, Any] = {}
    for key, value in headers.items():
        if key in settings.integer_keys and isinstance(value, str):
            stripped = value.strip()
            if stripped in settings.null_header_values or "NONE" in stripped.upper():
                cleaned[key] = None
                continue
        if isinstance(value, str) and value.strip() in settings.null_header_values:
            cleaned[key] = ""
            continue
        if key in settings.keys.related_frames and isinstance(value, str) and value:
            cleaned[key] = split_filename(value)[0]
            continue
        cleaned[key] = value
    return cleaned


def _reduction_level(headers: Mapping[str, Any], basename: str, extension: str, key: str) -> int:
    raw = headers.get(key)
    if raw not in (None, ""):
        try:
            level = int(raw)
        except (TypeError, ValueError):
            raise MalformedHeaderError(key, raw, "an integer reduction level") from None
        if level != 0:
            return level
    if extension == ".tar.gz":
        return 90
    match = LCO_NAME.match(basename.removesuffix("_cat"))
    return int(match.group("level")) if match else 0


def _configuration_type(
    headers: Mapping[str, Any], basename: str, instrument: str, key: str
) -> str:
    if basename.endswith("_cat"):
        return "CATALOG"
    value = str(headers.get(key) or "").strip().upper()
    if value and value != "UNKNOWN":
        return value
    lowered = basename.lower()
    if "nrs" in instrument.lower() or lowered.startswith("nrs"):
        return "TARGET"
    if instrument.lower().startswith("en"):
        return "SPECTRUM"
    match = LCO_NAME.match(lowered)
    if match and match.group("code") in LETTER_TYPES:
        return LETTER_TYPES[match.group("code")]
    for word, obstype in (("bias", "BIAS"), ("bpm", "BPM"), ("trace", "TRACE"), ("arc", "ARC")):
        if word in lowered:
            return obstype
    raise MalformedHeaderError(key, headers.get(key), "a configuration type (OBSTYPE)")


def store_path(record: Mapping[str, Any], extension: str) -> str:
    """The store path of spec §9.8."""
    site, instrument, basename = record["site_id"], record["instrument_id"], record["basename"]
    if record["configuration_type"] == "BPM" or "bpm" in basename.lower():
        return f"{site}/{instrument}/bpm/{basename}{extension}"
    day = str(record["observation_day"]).replace("-", "")
    stage = "raw" if record["reduction_level"] == 0 else "processed"
    return f"{site}/{instrument}/{day}/{stage}/{basename}{extension}"


def _open_member(fileobj: BinaryIO) -> BinaryIO:
    fileobj.seek(0)
    try:
        with tarfile.open(fileobj=fileobj, mode="r:gz") as archive:
            for member in archive.getmembers():
                if member.isfile() and ".fits" in member.name:
                    extracted = archive.extractfile(member)
                    if extracted is not None:
                        return io.BytesIO(extracted.read())
    except (tarfile.TarError, OSError, EOFError) as error:
        raise DoNotRetryError(f"Could not read the tar file: {error}") from error
    raise DoNotRetryError("The tar file contains no FITS file")


def describe_file(
    fileobj: BinaryIO,
    filename: str,
    *,
    settings: IngesterSettings,
    file_metadata: Mapping[str, Any] | None = None,
    required_headers: tuple[str, ...] | None = None,
    blacklist_headers: tuple[str, ...] | None = None,
    proposal_tags: TagLookup | None = None,
) -> FileDescription:
    """Validate a file and derive its archive record (spec §9.2–9.5)."""
    basename, extension = split_filename(filename)
    extension = extension.lower()
    if extension not in SUPPORTED_EXTENSIONS:
        raise FileSpecificationException(
            f"file extension {extension or '(none)'} is not a currently supported file type"
        )
    if blacklist_headers is not None:
        settings = _with_blacklist(settings, blacklist_headers)
    keys = settings.keys
    thumbnail = extension in THUMBNAIL_EXTENSIONS
    default_required = (
        (keys.thumbnail_frame_basename, keys.thumbnail_size, keys.observation_date,
         keys.observation_day, keys.instrument_id, keys.site_id, keys.telescope_id)
        if thumbnail
        else settings.required_headers
    )  # fmt: skip
    required = tuple(required_headers if required_headers is not None else default_required)
    overlay = dict(file_metadata or {})
    header: Mapping[str, Any] | fits.Header | None = None
    if extension in FITS_EXTENSIONS:
        headers, header = _read_fits_headers(fileobj, required, settings, overlay)
    elif extension == ".tar.gz":
        headers, header = _read_fits_headers(_open_member(fileobj), required, settings, overlay)
    else:
        headers = overlay
    missing = [
        key for key in _effective_required(required, headers, settings) if key not in headers
    ]
    if missing:
        raise MissingHeaderError(missing)
    headers = normalise_headers(headers, settings)

    observation_date = _parse_datetime(keys.observation_date, headers[keys.observation_date])
    day_value = headers.get(keys.observation_day)
    if day_value in (None, ""):
        observation_day = observation_date.date()  # D38
        headers[keys.observation_day] = observation_day.strftime("%Y%m%d")
    else:
        observation_day = _parse_day(keys.observation_day, day_value)
    instrument = _text(headers.get(keys.instrument_id), settings)
    if thumbnail and not headers.get(keys.configuration_type):
        headers[keys.configuration_type] = "EXPOSE"  # a thumbnail's frame is an image
    configuration_type = _configuration_type(headers, basename, instrument, keys.configuration_type)
    if basename.endswith("_cat"):
        headers[keys.catalog_target_frame] = basename.removesuffix("_cat")
    reduction_level = _reduction_level(headers, basename, extension, keys.reduction_level)
    exposure = headers.get(keys.exposure_time)
    try:
        exposure_time = None if exposure in (None, "") else float(exposure)
    except (TypeError, ValueError):
        raise MalformedHeaderError(keys.exposure_time, exposure, "a number of seconds") from None
    proposal_id = _text(headers.get(keys.proposal_id), settings)
    rule = "header"
    if headers.get(keys.public_date) not in (None, ""):
        public = _parse_datetime(keys.public_date, headers[keys.public_date])
    else:
        public, rule = public_date(
            observation_date=observation_date,
            proposal_id=proposal_id,
            configuration_type=configuration_type,
            basename=basename,
            settings=settings,
            proposal_tags=proposal_tags,
        )
        headers["OCSPUBRL"] = rule
    area = (
        footprint(header if header is not None else headers, keys)
        if header is not None
        else (footprint(headers, keys))
    )
    related = sorted(
        {
            split_filename(str(headers[key]))[0]
            for key in keys.related_frames
            if headers.get(key) not in (None, "")
        }
        - {basename}
    )
    record: dict[str, Any] = {
        "basename": basename,
        "observation_date": _format_datetime(observation_date),
        "observation_day": observation_day.isoformat(),
        "proposal_id": proposal_id,
        "instrument_id": instrument,
        "target_name": _text(headers.get(keys.target_name), settings),
        "reduction_level": reduction_level,
        "site_id": _text(headers.get(keys.site_id), settings),
        "telescope_id": _text(headers.get(keys.telescope_id), settings),
        "exposure_time": exposure_time,
        "primary_optical_element": _text(headers.get(keys.primary_optical_element), settings),
        "public_date": _format_datetime(public),
        "configuration_type": configuration_type,
        "observation_id": _nullable_int(
            keys.observation_id, headers.get(keys.observation_id), settings
        ),
        "request_id": _nullable_int(keys.request_id, headers.get(keys.request_id), settings),
        "area": area,
        "headers": headers,
        "related_frame_filenames": related,
    }
    path = store_path(record, extension)
    if thumbnail:
        record[keys.thumbnail_frame_basename] = str(headers[keys.thumbnail_frame_basename])
        record[keys.thumbnail_size] = str(headers[keys.thumbnail_size])
        day = str(record["observation_day"]).replace("-", "")
        path = f"{record['site_id']}/{instrument}/{day}/thumbnails/{basename}{extension}"
    return FileDescription(
        basename=basename,
        extension=extension,
        headers=headers,
        record=record,
        store_path=path,
        public_date_rule=rule,
        is_thumbnail=thumbnail,
    )


def _with_blacklist(settings: IngesterSettings, blacklist: tuple[str, ...]) -> IngesterSettings:
    from dataclasses import replace

    return replace(settings, header_blacklist=tuple(blacklist))
