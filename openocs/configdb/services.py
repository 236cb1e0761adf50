"""Writes to the configuration database: nested writes, deletions, import and export.

Every function that writes is atomic; the change history is recorded by
:mod:`openocs.configdb.history` for every save, whoever calls it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError

from openocs.configdb import documents
from openocs.configdb import models as m
from openocs.configdb.errors import ExportError, ImportDocumentError
from openocs.configdb.history import batched_state, recording

ModelT = TypeVar("ModelT", bound=models.Model)


# --- Nested writes used by the API ------------------------------------------------------------

_UNSET: Any = object()


def _element_by_code(data: dict[str, Any]) -> m.OpticalElement:
    element = m.OpticalElement.objects.filter(code=data["code"]).first()
    if element is None:
        element = m.OpticalElement(
            code=data["code"],
            name=data.get("name") or data["code"],
            schedulable=data.get("schedulable", True),
        )
        element.full_clean()
        element.save()
    return element


@transaction.atomic
def optical_element_group_save(
    *, group: m.OpticalElementGroup | None, data: dict[str, Any]
) -> m.OpticalElementGroup:
    """Create or update a group. Nested ``optical_elements`` are got-or-created by code; a given
    element list (nested or ``optical_element_ids``) replaces the group's set; ``default`` is an
    element code of the group (validated by the serializer)."""
    data = dict(data)
    nested = data.pop("optical_elements", None)
    ids = data.pop("optical_element_ids", None)
    default_code = data.pop("default", _UNSET)
    group = group or m.OpticalElementGroup()
    for name, value in data.items():
        setattr(group, name, value)
    elements: list[m.OpticalElement] | None = None
    if nested is not None:
        elements = [_element_by_code(item) for item in nested]
    elif ids is not None:
        elements = list(ids)
    if default_code is not _UNSET:
        if not default_code:  # "" or null: no default
            group.default = None
        else:
            pool = elements if elements is not None else list(group.optical_elements.all())
            group.default = next(element for element in pool if element.code == default_code)
    group.save()
    if elements is not None:
        group.optical_elements.set(elements)
    return group


def _mode_get_or_create(data: dict[str, Any]) -> m.GenericMode:
    lookup = {key: data[key] for key in ("name", "code", "overhead", "schedulable") if key in data}
    schema = data.get("validation_schema", {})
    for mode in m.GenericMode.objects.filter(**lookup).order_by("id"):
        if mode.validation_schema == schema:
            return mode
    mode = m.GenericMode(**lookup, validation_schema=schema)
    mode.full_clean()
    mode.save()
    return mode


@transaction.atomic
def generic_mode_group_save(
    *, group: m.GenericModeGroup | None, data: dict[str, Any]
) -> m.GenericModeGroup:
    """Create or update a mode group; nested ``modes`` are got-or-created on all given fields."""
    data = dict(data)
    nested = data.pop("modes", None)
    ids = data.pop("mode_ids", None)
    default_code = data.pop("default", _UNSET)
    group = group or m.GenericModeGroup()
    for name, value in data.items():
        setattr(group, name, value)
    modes: list[m.GenericMode] | None = None
    if nested is not None:
        modes = [_mode_get_or_create(item) for item in nested]
    elif ids is not None:
        modes = list(ids)
    if default_code is not _UNSET:
        if not default_code:  # "" or null: no default
            group.default = None
        else:
            pool = modes if modes is not None else list(group.modes.all())
            group.default = next(mode for mode in pool if mode.code == default_code)
    group.save()
    if modes is not None:
        group.modes.set(modes)
    return group


@transaction.atomic
def instrument_type_save(
    *, instrument_type: m.InstrumentType | None, data: dict[str, Any]
) -> m.InstrumentType:
    """Create or update an instrument type; a given ``configuration_types`` list (validated
    property rows) replaces the type's whole set."""
    data = dict(data)
    rows = data.pop("configuration_type_properties", None)
    instrument_type = instrument_type or m.InstrumentType()
    for name, value in data.items():
        setattr(instrument_type, name, value)
    instrument_type.save()
    if rows is not None:
        keep: list[int] = []
        for row in rows:
            row = dict(row)
            configuration_type = row.pop("configuration_type")
            properties, _ = m.ConfigurationTypeProperties.objects.get_or_create(
                instrument_type=instrument_type, configuration_type=configuration_type
            )
            changed = False
            for name, value in row.items():
                if getattr(properties, name) != value:
                    setattr(properties, name, value)
                    changed = True
            if changed:
                properties.save()
            keep.append(properties.pk)
        stale = instrument_type.configuration_type_properties.exclude(pk__in=keep)
        for properties in stale:
            properties.delete()
    return instrument_type


class DeletionRefused(Exception):
    """A deletion would silently remove or break more than asked (D33)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@transaction.atomic
def object_delete(*, instance: models.Model) -> None:
    """Delete ``instance`` unless that would silently delete or orphan other objects (D33)."""
    if isinstance(instance, m.Camera):
        users = sorted(
            {str(i) for i in instance.science_instruments.all()}
            | {str(i) for i in instance.autoguided_instruments.all()}
        )
        if users:
            raise DeletionRefused(
                f"Camera {instance.code} is used by instruments {', '.join(users)}; "
                "change or delete those instruments first."
            )
    try:
        instance.delete()
    except ProtectedError as error:
        blockers = sorted({str(obj) for obj in error.protected_objects})[:10]
        raise DeletionRefused(
            f"Cannot delete {instance._meta.verbose_name} {instance}: it is used by "
            + ", ".join(blockers)
        ) from error


class RevertRefused(Exception):
    """A recorded change cannot be reverted (the object is gone, or the old values are invalid)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@transaction.atomic
def change_revert(*, record: m.ChangeRecord, user: Any = None) -> None:
    """Undo one recorded change: restore old values (update), delete the object (create) or
    re-create it with its old values and id (delete). The revert is itself recorded."""
    from django.apps import apps

    model = apps.get_model("configdb", record.model)
    with recording(user, "admin"):
        if record.action == m.ChangeRecord.Action.DELETE:
            values = {name: old for name, (old, _new) in record.changes.items()}
            obj = model(**values)
            _full_clean_or_refuse(obj, record)
            obj.save(force_insert=True)
            return
        obj = model._default_manager.filter(pk=record.object_id).first()
        if obj is None:
            raise RevertRefused(f"{record.object_repr} no longer exists.")
        if record.action == m.ChangeRecord.Action.CREATE:
            try:
                object_delete(instance=obj)
            except DeletionRefused as error:
                raise RevertRefused(error.message) from error
            return
        m2m = {field.name: field for field in model._meta.many_to_many}
        related = {rel.get_accessor_name(): rel for rel in model._meta.related_objects}
        for name, (old, _new) in record.changes.items():
            if name in m2m or name in related:
                getattr(obj, name).set(old or [])
            else:
                setattr(obj, name, old)
        _full_clean_or_refuse(obj, record)
        obj.save()


def _full_clean_or_refuse(obj: models.Model, record: m.ChangeRecord) -> None:
    try:
        obj.full_clean()
    except ValidationError as error:
        raise RevertRefused(f"Cannot revert {record}: {error.messages[0]}") from error


# --- Export -----------------------------------------------------------------------------------


def _restart(value: dt.time | str) -> str:
    return value if isinstance(value, str) else value.strftime("%H:%M:%S")


def _unique_keys(label: str, keys: Iterable[Any]) -> None:
    seen: set[Any] = set()
    for key in keys:
        if key in seen:
            raise ExportError(f"Two {label} share the key {key!r}; rename one before exporting.")
        seen.add(key)


def configuration_export() -> dict[str, Any]:
    """The whole configuration as one JSON-able document (format ``openocs-configdb`` v1).

    Objects refer to each other by natural keys (codes, camera-type names, group name and type),
    so the document can be imported into any database.
    """
    camera_types = list(m.CameraType.objects.order_by("id"))
    elements = list(m.OpticalElement.objects.order_by("id"))
    groups = list(
        m.OpticalElementGroup.objects.order_by("id")
        .select_related("default")
        .prefetch_related(
            models.Prefetch("optical_elements", m.OpticalElement.objects.order_by("id"))
        )
    )
    _unique_keys("optical element groups", ((g.name, g.type) for g in groups))
    cameras = list(
        m.Camera.objects.order_by("id")
        .select_related("camera_type")
        .prefetch_related(
            models.Prefetch("optical_element_groups", m.OpticalElementGroup.objects.order_by("id"))
        )
    )
    _unique_keys("cameras", (c.code for c in cameras))
    instrument_types = list(
        m.InstrumentType.objects.order_by("id").prefetch_related(
            models.Prefetch(
                "mode_types",
                m.GenericModeGroup.objects.order_by("id")
                .select_related("default")
                .prefetch_related(models.Prefetch("modes", m.GenericMode.objects.order_by("id"))),
            ),
            models.Prefetch(
                "configuration_type_properties",
                m.ConfigurationTypeProperties.objects.order_by("id"),
            ),
        )
    )
    sites = list(
        m.Site.objects.order_by("code").prefetch_related(
            models.Prefetch(
                "enclosure_set",
                m.Enclosure.objects.order_by("id").prefetch_related(
                    models.Prefetch(
                        "telescope_set",
                        m.Telescope.objects.order_by("id").prefetch_related(
                            models.Prefetch(
                                "instrument_set",
                                m.Instrument.objects.order_by("id")
                                .select_related("instrument_type", "autoguider_camera")
                                .prefetch_related(
                                    models.Prefetch(
                                        "science_cameras", m.Camera.objects.order_by("id")
                                    )
                                ),
                            )
                        ),
                    )
                ),
            )
        )
    )
    return {
        "format": documents.FORMAT_NAME,
        "format_version": documents.FORMAT_VERSION,
        "camera_types": [
            {
                "name": t.name,
                "code": t.code,
                "size": t.size,
                "pscale": t.pscale,
                "pixels_x": t.pixels_x,
                "pixels_y": t.pixels_y,
                "max_rois": t.max_rois,
            }
            for t in camera_types
        ],
        "optical_elements": [
            {"code": e.code, "name": e.name, "schedulable": e.schedulable} for e in elements
        ],
        "optical_element_groups": [
            {
                "name": g.name,
                "type": g.type,
                "element_change_overhead": g.element_change_overhead,
                "default": g.default.code if g.default else None,
                "optical_elements": [e.code for e in g.optical_elements.all()],
            }
            for g in groups
        ],
        "cameras": [
            {
                "code": c.code,
                "camera_type": c.camera_type.name,
                "orientation": c.orientation,
                "host": c.host,
                "optical_element_groups": [
                    {"name": g.name, "type": g.type} for g in c.optical_element_groups.all()
                ],
            }
            for c in cameras
        ],
        "instrument_categories": list(
            m.InstrumentCategory.objects.order_by("code").values_list("code", flat=True)
        ),
        "configuration_types": [
            {"code": c.code, "name": c.name} for c in m.ConfigurationType.objects.order_by("code")
        ],
        "instrument_types": [
            {
                "code": t.code,
                "name": t.name,
                "instrument_category": t.instrument_category_id,
                "fixed_overhead_per_exposure": t.fixed_overhead_per_exposure,
                "observation_front_padding": t.observation_front_padding,
                "config_front_padding": t.config_front_padding,
                "acquire_exposure_time": t.acquire_exposure_time,
                "default_acceptability_threshold": t.default_acceptability_threshold,
                "allow_self_guiding": t.allow_self_guiding,
                "default_configuration_type": t.default_configuration_type_id,
                "validation_schema": t.validation_schema,
                "mode_types": [
                    {
                        "type": g.type_id,
                        "default": g.default.code if g.default else None,
                        "modes": [
                            {
                                "code": mode.code,
                                "name": mode.name,
                                "overhead": mode.overhead,
                                "schedulable": mode.schedulable,
                                "validation_schema": mode.validation_schema,
                            }
                            for mode in g.modes.all()
                        ],
                    }
                    for g in t.mode_types.all()
                ],
                "configuration_types": [
                    {
                        "configuration_type": p.configuration_type_id,
                        "config_change_overhead": p.config_change_overhead,
                        "schedulable": p.schedulable,
                        "force_acquisition_off": p.force_acquisition_off,
                        "requires_optical_elements": p.requires_optical_elements,
                        "validation_schema": p.validation_schema,
                    }
                    for p in t.configuration_type_properties.all()
                ],
            }
            for t in instrument_types
        ],
        "sites": [
            {
                "code": s.code,
                "name": s.name,
                "active": s.active,
                "lat": s.lat,
                "long": s.long,
                "elevation": s.elevation,
                "timezone": s.timezone,
                "tz": s.tz,
                "restart": _restart(s.restart),
                "enclosures": [
                    {
                        "code": e.code,
                        "name": e.name,
                        "active": e.active,
                        "telescopes": [
                            {
                                **{name: getattr(t, name) for name in documents.TELESCOPE_FIELDS},
                                "instruments": [
                                    {
                                        "code": i.code,
                                        "state": i.state,
                                        "instrument_type": i.instrument_type.code,
                                        "science_cameras": [
                                            c.code for c in i.science_cameras.all()
                                        ],
                                        "autoguider_camera": i.autoguider_camera.code,
                                        "autoguider_type": i.autoguider_type,
                                    }
                                    for i in t.instrument_set.all()
                                ],
                            }
                            for t in e.telescope_set.all()
                        ],
                    }
                    for e in s.enclosure_set.all()
                ],
            }
            for s in sites
        ],
    }


# --- Import -----------------------------------------------------------------------------------


class _Importer:
    """Upserts a validated document by natural keys, writing only what differs."""

    def __init__(self) -> None:
        self.changed = 0

    def save(self, obj: ModelT, path: str, exclude: list[str] | None = None) -> ModelT:
        try:
            obj.full_clean(exclude=exclude)
        except ValidationError as error:
            field, messages = next(iter(error.message_dict.items()))
            where = path if field == "__all__" else f"{path}.{field}"
            raise ImportDocumentError(where, " ".join(messages)) from error
        obj.save()
        self.changed += 1
        return obj

    def upsert(
        self,
        model: type[ModelT],
        lookup: dict[str, Any],
        values: dict[str, Any],
        path: str,
        exclude: list[str] | None = None,
    ) -> ModelT:
        obj = model._default_manager.filter(**lookup).order_by("pk").first()
        if obj is None:
            return self.save(model(**lookup, **values), path, exclude)
        dirty = False
        for name, value in values.items():
            if getattr(obj, name) != value:
                setattr(obj, name, value)
                dirty = True
        return self.save(obj, path, exclude) if dirty else obj

    def set_m2m(self, manager: Any, objects: list[models.Model]) -> None:
        current = sorted(manager.values_list("pk", flat=True))
        wanted = sorted(obj.pk for obj in objects)
        if current != wanted:
            manager.set(objects)
            self.changed += 1

    def delete(self, obj: models.Model, path: str) -> None:
        try:
            obj.delete()
        except ProtectedError as error:
            raise ImportDocumentError(path, f"cannot remove {obj}: it is still used") from error
        self.changed += 1


def _lookup(index: dict[Any, ModelT], key: Any, path: str, what: str) -> ModelT:
    try:
        return index[key]
    except KeyError:
        raise ImportDocumentError(path, f"unknown {what} {key!r}") from None


def _known(model: type[ModelT], key: Callable[[ModelT], Any]) -> dict[Any, ModelT]:
    index: dict[Any, ModelT] = {}
    for obj in model._default_manager.order_by("-pk"):
        index[key(obj)] = obj  # the lowest pk wins for duplicate keys
    return index


def _import_document(doc: documents.ConfigurationDocument) -> dict[str, int]:
    imp = _Importer()
    camera_types = _known(m.CameraType, lambda t: t.name)
    for n, ct in enumerate(doc.camera_types):
        camera_types[ct.name] = imp.upsert(
            m.CameraType, {"name": ct.name}, ct.model_dump(exclude={"name"}), f"camera_types[{n}]"
        )
    elements = _known(m.OpticalElement, lambda e: e.code)
    for n, el in enumerate(doc.optical_elements):
        elements[el.code] = imp.upsert(
            m.OpticalElement,
            {"code": el.code},
            {"name": el.name, "schedulable": el.schedulable},
            f"optical_elements[{n}]",
        )
    groups = _known(m.OpticalElementGroup, lambda g: (g.name, g.type))
    for n, gr in enumerate(doc.optical_element_groups):
        path = f"optical_element_groups[{n}]"
        members = [
            _lookup(elements, code, f"{path}.optical_elements[{k}]", "optical element")
            for k, code in enumerate(gr.optical_elements)
        ]
        default = None
        if gr.default:
            default = next((e for e in members if e.code == gr.default), None)
            if default is None:
                raise ImportDocumentError(
                    f"{path}.default",
                    f"Default optical element {gr.default} must be a member of this groups "
                    "optical elements",
                )
        group = imp.upsert(
            m.OpticalElementGroup,
            {"name": gr.name, "type": gr.type},
            {"element_change_overhead": gr.element_change_overhead, "default": default},
            path,
        )
        imp.set_m2m(group.optical_elements, list(members))
        groups[(gr.name, gr.type)] = group
    cameras = _known(m.Camera, lambda c: c.code)
    for n, cam in enumerate(doc.cameras):
        path = f"cameras[{n}]"
        camera_type = _lookup(camera_types, cam.camera_type, f"{path}.camera_type", "camera type")
        camera_groups = [
            _lookup(groups, (g.name, g.type), f"{path}.optical_element_groups[{k}]", "group")
            for k, g in enumerate(cam.optical_element_groups)
        ]
        types = [g.type for g in camera_groups]
        if len(types) != len(set(types)):
            raise ImportDocumentError(
                f"{path}.optical_element_groups",
                "a camera may have only one optical element group of each type",
            )
        camera = imp.upsert(
            m.Camera,
            {"code": cam.code},
            {"camera_type": camera_type, "orientation": cam.orientation, "host": cam.host},
            path,
        )
        imp.set_m2m(camera.optical_element_groups, list(camera_groups))
        cameras[cam.code] = camera
    categories = _known(m.InstrumentCategory, lambda c: c.code)
    for n, code in enumerate(doc.instrument_categories):
        categories[code] = imp.upsert(
            m.InstrumentCategory, {"code": code}, {}, f"instrument_categories[{n}]"
        )
    configuration_types = _known(m.ConfigurationType, lambda c: c.code)
    for n, ctype in enumerate(doc.configuration_types):
        configuration_types[ctype.code] = imp.upsert(
            m.ConfigurationType,
            {"code": ctype.code},
            {"name": ctype.name},
            f"configuration_types[{n}]",
        )
    for name in m.MODE_TYPES:  # seeded by a migration; a flushed test database lacks them
        m.ModeType.objects.get_or_create(id=name)
    mode_types = {mt.id: mt for mt in m.ModeType.objects.all()}
    instrument_types = _known(m.InstrumentType, lambda t: t.code)
    for n, it in enumerate(doc.instrument_types):
        path = f"instrument_types[{n}]"
        category = (
            _lookup(categories, it.instrument_category, f"{path}.instrument_category", "category")
            if it.instrument_category
            else None
        )
        default_ct = (
            _lookup(
                configuration_types,
                it.default_configuration_type,
                f"{path}.default_configuration_type",
                "configuration type",
            )
            if it.default_configuration_type
            else None
        )
        values = it.model_dump(
            exclude={
                "code",
                "instrument_category",
                "default_configuration_type",
                "mode_types",
                "configuration_types",
            }
        )
        instrument_type = imp.upsert(
            m.InstrumentType,
            {"code": it.code},
            {**values, "instrument_category": category, "default_configuration_type": default_ct},
            path,
        )
        instrument_types[it.code] = instrument_type
        _import_mode_groups(imp, instrument_type, it, mode_types, path)
        _import_properties(imp, instrument_type, it, configuration_types, path)
    counts = {"sites": 0, "telescopes": 0, "instruments": 0}
    for n, site_doc in enumerate(doc.sites):
        path = f"sites[{n}]"
        site_values = site_doc.model_dump(exclude={"code", "enclosures"})
        site_values["restart"] = dt.time.fromisoformat(site_doc.restart)
        site = imp.upsert(m.Site, {"code": site_doc.code}, site_values, path)
        counts["sites"] += 1
        for k, enc_doc in enumerate(site_doc.enclosures):
            epath = f"{path}.enclosures[{k}]"
            enclosure = imp.upsert(
                m.Enclosure,
                {"site": site, "code": enc_doc.code},
                {"name": enc_doc.name, "active": enc_doc.active},
                epath,
            )
            for j, tel_doc in enumerate(enc_doc.telescopes):
                tpath = f"{epath}.telescopes[{j}]"
                telescope = imp.upsert(
                    m.Telescope,
                    {"enclosure": enclosure, "code": tel_doc.code},
                    tel_doc.model_dump(exclude={"code", "instruments"}),
                    tpath,
                )
                counts["telescopes"] += 1
                for i, ins_doc in enumerate(tel_doc.instruments):
                    ipath = f"{tpath}.instruments[{i}]"
                    science = [
                        _lookup(cameras, code, f"{ipath}.science_cameras[{c}]", "camera")
                        for c, code in enumerate(ins_doc.science_cameras)
                    ]
                    if not science:
                        raise ImportDocumentError(
                            f"{ipath}.science_cameras", "at least one science camera is required"
                        )
                    instrument = imp.upsert(
                        m.Instrument,
                        {"telescope": telescope, "code": ins_doc.code},
                        {
                            "state": ins_doc.state,
                            "instrument_type": _lookup(
                                instrument_types,
                                ins_doc.instrument_type,
                                f"{ipath}.instrument_type",
                                "instrument type",
                            ),
                            "autoguider_camera": _lookup(
                                cameras,
                                ins_doc.autoguider_camera,
                                f"{ipath}.autoguider_camera",
                                "camera",
                            ),
                            "autoguider_type": ins_doc.autoguider_type,
                        },
                        ipath,
                    )
                    imp.set_m2m(instrument.science_cameras, list(science))
                    counts["instruments"] += 1
    counts["changes"] = imp.changed
    return counts


def _import_mode_groups(
    imp: _Importer,
    instrument_type: m.InstrumentType,
    it: documents.InstrumentTypeDoc,
    mode_types: dict[str, m.ModeType],
    path: str,
) -> None:
    keep: list[int] = []
    for k, group_doc in enumerate(it.mode_types):
        gpath = f"{path}.mode_types[{k}]"
        mode_type = _lookup(mode_types, group_doc.type, f"{gpath}.type", "mode type")
        group = m.GenericModeGroup.objects.filter(
            instrument_type=instrument_type, type=mode_type
        ).first()
        existing = {mode.code: mode for mode in group.modes.all()} if group else {}
        modes: list[m.GenericMode] = []
        for j, mode_doc in enumerate(group_doc.modes):
            mpath = f"{gpath}.modes[{j}]"
            values = mode_doc.model_dump(exclude={"code"})
            mode = existing.get(mode_doc.code)
            if mode is None:
                mode = imp.save(m.GenericMode(code=mode_doc.code, **values), mpath)
            else:
                dirty = False
                for name, value in values.items():
                    if getattr(mode, name) != value:
                        setattr(mode, name, value)
                        dirty = True
                if dirty:
                    imp.save(mode, mpath)
            modes.append(mode)
        default = None
        if group_doc.default:
            default = next((mode for mode in modes if mode.code == group_doc.default), None)
            if default is None:
                raise ImportDocumentError(
                    f"{gpath}.default",
                    f"Default generic mode {group_doc.default} must be a member of this groups "
                    "modes",
                )
        if group is None:
            group = imp.save(
                m.GenericModeGroup(
                    instrument_type=instrument_type, type=mode_type, default=default
                ),
                gpath,
            )
        elif group.default_id != (default.pk if default else None):
            group.default = default
            imp.save(group, gpath)
        imp.set_m2m(group.modes, list(modes))
        keep.append(group.pk)
    for stale in instrument_type.mode_types.exclude(pk__in=keep):
        imp.delete(stale, f"{path}.mode_types")


def _import_properties(
    imp: _Importer,
    instrument_type: m.InstrumentType,
    it: documents.InstrumentTypeDoc,
    configuration_types: dict[str, m.ConfigurationType],
    path: str,
) -> None:
    keep: list[int] = []
    for k, prop in enumerate(it.configuration_types):
        ppath = f"{path}.configuration_types[{k}]"
        configuration_type = _lookup(
            configuration_types, prop.configuration_type, f"{ppath}.configuration_type", "type"
        )
        row = imp.upsert(
            m.ConfigurationTypeProperties,
            {"instrument_type": instrument_type, "configuration_type": configuration_type},
            prop.model_dump(exclude={"configuration_type"}),
            ppath,
        )
        keep.append(row.pk)
    for stale in instrument_type.configuration_type_properties.exclude(pk__in=keep):
        imp.delete(stale, f"{path}.configuration_types")


def configuration_import(
    *, document: Any, user: Any = None, dry_run: bool = False
) -> dict[str, int]:
    """Import a configuration document (ours or the ``lco-network.json`` layout) atomically.

    Objects are matched by natural keys and only differences are written, so importing the same
    document twice changes nothing the second time. Returns counts (``sites``, ``telescopes``,
    ``instruments``, ``changes``); with ``dry_run`` the changes are counted and rolled back.
    Raises :class:`ImportDocumentError` naming the path within the document; nothing is written
    then.
    """
    parsed = documents.parse(document)
    with recording(user, "import"), transaction.atomic():
        with batched_state():
            counts = _import_document(parsed)
        if dry_run:  # report what would change, keep nothing
            transaction.set_rollback(True)
        return counts


def configuration_import_file(*, path: Path, user: Any = None) -> dict[str, int]:
    """Read ``path`` (JSON) and import it with :func:`configuration_import`."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ImportDocumentError(
            "", f"{path} is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from error
    return configuration_import(document=document, user=user)
