"""Writes: registering, updating and deleting frames (spec §5), thumbnails (spec §8)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from openocs.archive import conf, sky
from openocs.archive.files import storage
from openocs.archive.models import Frame, Headers, Thumbnail, Version
from openocs.storage import StorageError

logger = logging.getLogger("openocs.archive")

FRAME_FIELDS = [
    "observation_date", "observation_day", "proposal_id", "instrument_id", "target_name",
    "reduction_level", "site_id", "telescope_id", "exposure_time", "primary_optical_element",
    "public_date", "configuration_type", "observation_id", "request_id",
]  # fmt: skip


class DuplicateVersionError(Exception):
    """A version's md5 is stored already."""

    def __init__(self, md5: str) -> None:
        super().__init__(f"version with md5 {md5} already exists")
        self.md5 = md5


@dataclass(frozen=True)
class NewVersion:
    key: str
    md5: str
    extension: str
    path: str = ""


def sky_columns(area: dict[str, Any] | None) -> dict[str, Any]:
    """The sky index columns for a footprint (all None without one)."""
    empty = {"cx": None, "cy": None, "cz": None, "dec_c": None, "footprint_radius_deg": None}
    if not area:
        return empty
    footprint = sky.footprint_from_ring(area["coordinates"][0])
    _ra, dec = sky.to_radec(footprint.centre)
    x, y, z = footprint.centre
    return {"cx": x, "cy": y, "cz": z, "dec_c": dec, "footprint_radius_deg": footprint.radius_deg}


def normalise_area(area: dict[str, Any] | None) -> dict[str, Any] | None:
    """A GeoJSON polygon with RA in [0, 360) and a closed ring (D36)."""
    if not area:
        return None
    ring = [[float(p[0]) % 360.0, float(p[1])] for p in area["coordinates"][0]]
    if ring and ring[0] != ring[-1]:
        ring.append(list(ring[0]))
    return {"type": "Polygon", "coordinates": [ring]}


def _store_path(frame: Frame, extension: str) -> str:
    from openocs.ingester.record import store_path

    record = {
        "site_id": frame.site_id,
        "instrument_id": frame.instrument_id,
        "basename": frame.basename,
        "configuration_type": frame.configuration_type,
        "observation_day": frame.observation_day.isoformat() if frame.observation_day else "",
        "reduction_level": frame.reduction_level,
    }
    return store_path(record, extension)


def _object_size(path: str, key: str) -> int:
    try:
        return storage().size(path, key)
    except StorageError as error:  # informative only: the registration still stands
        logger.warning("Could not read the size of %s (key %s): %s", path, key, error)
        return 0


def _stored_md5s(md5s: list[str]) -> list[str]:
    """Which of ``md5s`` a stored version has already."""
    return list(Version.objects.filter(md5__in=md5s).values_list("md5", flat=True))


@transaction.atomic
def frame_register(
    *,
    basename: str,
    fields: dict[str, Any],
    area: dict[str, Any] | None,
    headers: dict[str, Any],
    versions: list[NewVersion],
    related_basenames: list[str],
) -> Frame:
    """Upsert a frame by basename with its headers, new versions and related frames (§5.1)."""
    for md5 in _stored_md5s([version.md5 for version in versions]):
        raise DuplicateVersionError(md5)
    area = normalise_area(area)
    values = {name: fields.get(name) for name in FRAME_FIELDS if name in fields}
    values.update(area=area, submitter=str(headers.get("USERID") or ""), **sky_columns(area))
    frame, _created = Frame.objects.select_for_update().update_or_create(
        basename=basename, defaults=values
    )
    Headers.objects.update_or_create(frame=frame, defaults={"data": headers})
    for version in versions:
        path = version.path or _store_path(frame, version.extension)
        size = _object_size(path, version.key)
        try:
            with transaction.atomic():
                Version.objects.create(
                    frame=frame,
                    key=version.key,
                    md5=version.md5,
                    extension=version.extension,
                    path=path,
                    size=size,
                )
        except IntegrityError as error:
            # Two registrations of one file at the same moment: both passed the check above,
            # and the database's unique md5 refuses the second. Same answer as the check.
            raise DuplicateVersionError(version.md5) from error
    related = [name for name in dict.fromkeys(related_basenames) if name and name != basename]
    if related:
        existing = {f.basename: f for f in Frame.objects.filter(basename__in=related)}
        missing = [Frame(basename=name) for name in related if name not in existing]
        Frame.objects.bulk_create(missing, ignore_conflicts=True)
        frame.related_frames.add(*Frame.objects.filter(basename__in=related))
    listed = frame.observation_date is not None and frame.version_set.exists()
    if frame.listed != listed:
        frame.listed = listed
        frame.save(update_fields=["listed"])
    if versions and conf.thumbnails_enabled():
        from openocs.archive.tasks import generate_thumbnails

        frame_id = frame.pk
        transaction.on_commit(lambda: generate_thumbnails(frame_id))
    return frame


@transaction.atomic
def frame_update(*, frame: Frame, fields: dict[str, Any]) -> Frame:
    """Change business fields of a frame (§5.3); versions are untouched."""
    for name, value in fields.items():
        if name in FRAME_FIELDS:
            setattr(frame, name, value)
    if "area" in fields:
        frame.area = normalise_area(fields["area"])
        for name, value in sky_columns(frame.area).items():
            setattr(frame, name, value)
    frame.listed = frame.observation_date is not None and frame.version_set.exists()
    frame.save()
    return frame


def frame_delete(*, frame: Frame) -> list[str]:
    """Delete a frame, its versions, headers, thumbnails and their stored objects (§5.3).

    Returns notes about stored objects that could not be deleted (logged as orphans).
    """
    objects = [(v.path, v.key) for v in frame.version_set.all()]
    objects += [(t.path, t.key) for t in frame.thumbnails.all()]
    with transaction.atomic():
        frame.delete()
    notes = []
    store = storage()
    for path, key in objects:
        try:
            store.delete(path, key)
        except StorageError as error:
            note = f"ORPHAN stored object {path} (key {key}) left after deleting its frame: {error}"
            logger.error(note)
            notes.append(note)
    return notes


def thumbnail_save(*, frame: Frame, size: str, png: bytes) -> Thumbnail:
    """Store one thumbnail PNG and record it (upsert by thumbnail basename)."""
    import io

    basename = f"{frame.basename}-{size}"
    day = frame.observation_day.strftime("%Y%m%d") if frame.observation_day else "undated"
    path = f"{frame.site_id}/{frame.instrument_id}/{day}/thumbnails/{basename}.png"
    stored = storage().put(path, io.BytesIO(png))
    thumbnail, _ = Thumbnail.objects.update_or_create(
        basename=basename,
        defaults={
            "frame": frame,
            "size": size,
            "extension": ".png",
            "key": stored.key,
            "path": path,
        },
    )
    return thumbnail


@transaction.atomic
def user_upsert(
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    is_staff: bool,
    is_superuser: bool,
    api_token: str,
) -> Any:
    """Create or update a user pushed by the portal, with its API token (spec §2.4)."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    user, _created = get_user_model().objects.update_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "is_staff": is_staff,
            "is_superuser": is_superuser,
        },
    )
    if api_token:
        current = Token.objects.filter(user=user).first()
        if current is None or current.key != api_token:
            Token.objects.filter(user=user).delete()
            Token.objects.filter(key=api_token).delete()
            Token.objects.create(user=user, key=api_token)
    return user


@transaction.atomic
def thumbnail_register(
    *,
    frame_basename: str,
    basename: str,
    size: str,
    version: NewVersion,
    fields: dict[str, Any],
    headers: dict[str, Any],
) -> Thumbnail:
    """Record a thumbnail uploaded by the ingester (spec §8); a missing frame is created from
    the metadata without a version (so it is not listed and nothing is published)."""
    frame = Frame.objects.filter(basename=frame_basename).first()
    if frame is None:
        values = {name: fields.get(name) for name in FRAME_FIELDS if name in fields}
        frame = Frame.objects.create(basename=frame_basename, **values)
        Headers.objects.create(frame=frame, data=headers)
    day = frame.observation_day.strftime("%Y%m%d") if frame.observation_day else "undated"
    path = version.path or (
        f"{frame.site_id}/{frame.instrument_id}/{day}/thumbnails/{basename}{version.extension}"
    )
    thumbnail, _ = Thumbnail.objects.update_or_create(
        basename=basename,
        defaults={
            "frame": frame,
            "size": size,
            "extension": version.extension,
            "key": version.key,
            "path": path,
        },
    )
    return thumbnail
