"""Change history and change detection for every write to the configuration.

Every save, delete and many-to-many change of a configdb model — through the API, the admin, the
import service or a shell — is recorded as a :class:`~openocs.configdb.models.ChangeRecord`
(who, when, what: old and new values per field) and bumps the :class:`ConfigState` counter that
the ETags and the cached ``sites/`` document are keyed on. Recording is a decoupled side effect,
so it is done by signal receivers; the API views and the admin say *who* is writing with
:func:`recording`.
"""

from __future__ import annotations

import contextvars
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from openocs.configdb import models as m


@dataclass(frozen=True)
class Actor:
    user: Any  # a user instance or None
    source: str


_actor: contextvars.ContextVar[Actor | None] = contextvars.ContextVar(
    "configdb_actor", default=None
)
# Inside ``batched_state()``: a list collecting write times instead of bumping at once.
_pending: contextvars.ContextVar[list[datetime] | None] = contextvars.ContextVar(
    "configdb_pending", default=None
)

TRACKED: tuple[type[models.Model], ...] = (
    m.Site,
    m.Enclosure,
    m.Telescope,
    m.Instrument,
    m.Camera,
    m.CameraType,
    m.OpticalElement,
    m.OpticalElementGroup,
    m.InstrumentCategory,
    m.InstrumentType,
    m.ModeType,
    m.GenericMode,
    m.GenericModeGroup,
    m.ConfigurationType,
    m.ConfigurationTypeProperties,
)


@contextmanager
def recording(user: Any, source: str) -> Iterator[None]:
    """Attribute the writes done inside the block to ``user`` (``source``: api, admin, import)."""
    token = _actor.set(
        Actor(user=user if getattr(user, "is_authenticated", False) else None, source=source)
    )
    try:
        yield
    finally:
        _actor.reset(token)


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def field_values(instance: models.Model) -> dict[str, Any]:
    """The concrete field values of ``instance`` (foreign keys as ids), JSON-safe."""
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name == "modified":
            continue
        values[field.attname] = _json_safe(field.value_from_object(instance))
    return values


@contextmanager
def batched_state() -> Iterator[None]:
    """Bump the configuration version once for all the writes of the block (bulk imports)."""
    pending: list[datetime] = []
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    if pending:  # not reached when the block raised
        bump_state(max(pending))


def bump_state(now: datetime | None = None) -> None:
    """Record that the configuration changed (new ETags, cached documents invalidated)."""
    now = now or timezone.now()
    pending = _pending.get()
    if pending is not None:
        pending.append(now)
        return
    updated = m.ConfigState.objects.filter(pk=1).update(version=F("version") + 1, last_write=now)
    if not updated:
        m.ConfigState.objects.create(pk=1, version=1, last_write=now)


def current_state() -> tuple[int, datetime]:
    """The configuration's version counter and the time of its latest write."""
    row = m.ConfigState.objects.filter(pk=1).values_list("version", "last_write").first()
    if row is None:
        return 0, datetime(2000, 1, 1, tzinfo=UTC)
    return row[0], row[1]


def _record(instance: models.Model, action: str, changes: dict[str, Any]) -> None:
    actor = _actor.get()
    user = actor.user if actor else None
    now = timezone.now()
    m.ChangeRecord.objects.create(
        timestamp=now,
        user=user,
        username=getattr(user, "username", "") if user is not None else "",
        source=actor.source if actor else "other",
        action=action,
        model=instance._meta.model_name or "",
        object_id=str(instance.pk),
        object_repr=_safe_str(instance)[:300],
        changes=changes,
    )
    bump_state(now)


def _safe_str(instance: models.Model) -> str:
    try:
        return str(instance)
    except models.ObjectDoesNotExist:  # a parent deleted in the same cascade
        return f"{instance._meta.model_name} {instance.pk}"


def _on_pre_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    old = None
    if instance.pk is not None and not instance._state.adding:
        row = sender._default_manager.filter(pk=instance.pk).first()
        old = field_values(row) if row is not None else None
    instance._configdb_old_values = old  # type: ignore[attr-defined]


def _on_post_save(
    sender: type[models.Model], instance: models.Model, created: bool, **kwargs: Any
) -> None:
    if kwargs.get("raw"):
        return
    new = field_values(instance)
    old: dict[str, Any] | None = getattr(instance, "_configdb_old_values", None)
    if created or old is None:
        _record(instance, "create", {name: [None, value] for name, value in new.items()})
        return
    changes = {
        name: [old.get(name), value] for name, value in new.items() if old.get(name) != value
    }
    if changes:
        _record(instance, "update", changes)


def _on_pre_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    instance._configdb_repr = _safe_str(instance)  # type: ignore[attr-defined]


def _on_post_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    values = field_values(instance)
    record_repr = getattr(instance, "_configdb_repr", "")
    actor = _actor.get()
    user = actor.user if actor else None
    now = timezone.now()
    m.ChangeRecord.objects.create(
        timestamp=now,
        user=user,
        username=getattr(user, "username", "") if user is not None else "",
        source=actor.source if actor else "other",
        action="delete",
        model=instance._meta.model_name or "",
        object_id=str(instance.pk),
        object_repr=record_repr[:300],
        changes={name: [value, None] for name, value in values.items()},
    )
    bump_state(now)


def _on_m2m_changed(
    sender: type[models.Model],
    instance: models.Model,
    action: str,
    reverse: bool,
    model: type[models.Model],
    pk_set: set[Any] | None,
    **kwargs: Any,
) -> None:
    field_name = _m2m_field_name(sender, instance, reverse)
    if field_name is None:
        return
    if action.startswith("pre_"):
        current = sorted(getattr(instance, field_name).values_list("pk", flat=True))
        instance._configdb_old_m2m = {field_name: current}  # type: ignore[attr-defined]
        return
    old_map: dict[str, list[Any]] = getattr(instance, "_configdb_old_m2m", {})
    old = old_map.get(field_name, [])
    new = sorted(getattr(instance, field_name).values_list("pk", flat=True))
    if old != new:
        _record(instance, "update", {field_name: [_json_safe(old), _json_safe(new)]})


def _m2m_field_name(
    sender: type[models.Model], instance: models.Model, reverse: bool
) -> str | None:
    """The forward many-to-many field of ``instance`` whose through table is ``sender``."""
    if reverse:
        for related in instance._meta.related_objects:
            through = getattr(related, "through", None)
            if through is sender:
                return related.get_accessor_name()
        return None
    for field in instance._meta.many_to_many:
        if field.remote_field.through is sender:
            return field.name
    return None


def connect() -> None:
    """Connect the receivers (called once from the app config)."""
    for model in TRACKED:
        uid = f"configdb-history-{model._meta.model_name}"
        pre_save.connect(_on_pre_save, sender=model, dispatch_uid=uid + "-pre")
        post_save.connect(_on_post_save, sender=model, dispatch_uid=uid + "-post")
        pre_delete.connect(_on_pre_delete, sender=model, dispatch_uid=uid + "-pre-delete")
        post_delete.connect(_on_post_delete, sender=model, dispatch_uid=uid + "-post-delete")
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _on_m2m_changed,
                sender=through,
                dispatch_uid=f"{uid}-m2m-{field.name}",
            )
