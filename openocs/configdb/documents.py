"""The configuration document formats: our export format and the ``lco-network.json`` layout.

Pure functions and pydantic models (no database): :func:`parse` recognises the format, checks the
structure and returns a :class:`ConfigurationDocument`; errors name the path within the
document (``sites[2].enclosures[0].telescopes[1].horizon_deg``).

Our format (``"format": "openocs-configdb"``) is lossless: export → import → export gives the
same document. The ``lco-network.json`` layout is converted as its
``conventions.configdb_mapping`` says: ``*_s``/``*_deg``/``*_m`` fields drop the unit suffix,
``ha_limits`` becomes ``ha_limit_neg``/``ha_limit_pos``, each instrument's cameras are built from
its instrument type's camera types (science cameras carry the type's optical-element groups).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from openocs.configdb.errors import ImportDocumentError

FORMAT_NAME: Literal["openocs-configdb"] = "openocs-configdb"
FORMAT_VERSION: Literal[1] = 1
STATES = ("DISABLED", "MANUAL", "COMMISSIONING", "STANDBY", "SCHEDULABLE")
LEGACY_STATES = {0: "DISABLED", 10: "MANUAL", 20: "COMMISSIONING", 25: "STANDBY", 30: "SCHEDULABLE"}
TELESCOPE_FIELDS = (
    "code",
    "name",
    "serial_number",
    "active",
    "aperture",
    "lat",
    "long",
    "horizon",
    "ha_limit_neg",
    "ha_limit_pos",
    "zenith_blind_spot",
    "slew_rate",
    "minimum_slew_overhead",
    "maximum_slew_overhead",
    "instrument_change_overhead",
    "telescope_front_padding",
)


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CameraTypeDoc(_Doc):
    name: str
    code: str
    size: str = ""
    pscale: float = 0.0
    pixels_x: int = 0
    pixels_y: int = 0
    max_rois: int = 0


class OpticalElementDoc(_Doc):
    code: str
    name: str
    schedulable: bool = True


class OpticalElementGroupDoc(_Doc):
    name: str
    type: str
    element_change_overhead: float = 0.0
    default: str | None = None
    optical_elements: list[str] = []


class GroupRef(_Doc):
    name: str
    type: str


class CameraDoc(_Doc):
    code: str
    camera_type: str
    orientation: float = 0.0
    host: str = ""
    optical_element_groups: list[GroupRef] = []


class ConfigurationTypeDoc(_Doc):
    code: str
    name: str


class ModeDoc(_Doc):
    code: str
    name: str
    overhead: float = 0.0
    schedulable: bool = True
    validation_schema: dict[str, Any] = {}


class ModeGroupDoc(_Doc):
    type: str
    default: str | None = None
    modes: list[ModeDoc] = []


class PropertiesDoc(_Doc):
    configuration_type: str
    config_change_overhead: float = 0.0
    schedulable: bool = True
    force_acquisition_off: bool = False
    requires_optical_elements: bool = True
    validation_schema: dict[str, Any] = {}


class InstrumentTypeDoc(_Doc):
    code: str
    name: str
    instrument_category: str | None = None
    fixed_overhead_per_exposure: float = 1.0
    observation_front_padding: float = 90.0
    config_front_padding: float = 0.0
    acquire_exposure_time: float = 0.0
    default_acceptability_threshold: float = 90.0
    allow_self_guiding: bool = True
    default_configuration_type: str | None = None
    validation_schema: dict[str, Any] = {}
    mode_types: list[ModeGroupDoc] = []
    configuration_types: list[PropertiesDoc] = []


class InstrumentDoc(_Doc):
    code: str
    state: Literal["DISABLED", "MANUAL", "COMMISSIONING", "STANDBY", "SCHEDULABLE"] = "DISABLED"
    instrument_type: str
    science_cameras: list[str]
    autoguider_camera: str
    autoguider_type: Literal["InCamera", "OffAxis", "SelfGuide"] = "OffAxis"

    @field_validator("state", mode="before")
    @classmethod
    def _legacy_state(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool) and value in LEGACY_STATES:
            return LEGACY_STATES[value]
        return value


class TelescopeDoc(_Doc):
    code: str
    name: str = ""
    serial_number: str = ""
    active: bool = True
    aperture: float = 0.0
    lat: float
    long: float
    horizon: float
    ha_limit_neg: float
    ha_limit_pos: float
    zenith_blind_spot: float = 0.0
    slew_rate: float = 0.0
    minimum_slew_overhead: float = 0.0
    maximum_slew_overhead: float = 0.0
    instrument_change_overhead: float = 0.0
    telescope_front_padding: float = 90.0
    instruments: list[InstrumentDoc] = []


class EnclosureDoc(_Doc):
    code: str
    name: str = ""
    active: bool = True
    telescopes: list[TelescopeDoc] = []


class SiteDoc(_Doc):
    code: str
    name: str = ""
    active: bool = True
    lat: float = 0.0
    long: float = 0.0
    elevation: int
    timezone: int
    tz: str = "Etc/UTC"
    restart: str = "00:00:00"
    enclosures: list[EnclosureDoc] = []

    @field_validator("restart")
    @classmethod
    def _time(cls, value: str) -> str:
        try:
            return dt.time.fromisoformat(value).strftime("%H:%M:%S")
        except ValueError:
            raise ValueError("must be a time HH:MM:SS") from None


class ConfigurationDocument(_Doc):
    format: Literal["openocs-configdb"] = FORMAT_NAME
    format_version: Literal[1] = FORMAT_VERSION
    camera_types: list[CameraTypeDoc] = []
    optical_elements: list[OpticalElementDoc] = []
    optical_element_groups: list[OpticalElementGroupDoc] = []
    cameras: list[CameraDoc] = []
    instrument_categories: list[str] = []
    configuration_types: list[ConfigurationTypeDoc] = []
    instrument_types: list[InstrumentTypeDoc] = []
    sites: list[SiteDoc] = []


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _raise_first(error: ValidationError) -> None:
    first = error.errors()[0]
    raise ImportDocumentError(_path(tuple(first["loc"])), first["msg"]) from error


# --- The lco-network.json layout --------------------------------------------------------------


class _Lco(BaseModel):
    model_config = ConfigDict(extra="ignore")


class LcoCameraType(_Lco):
    code: str
    name: str
    pscale_arcsec: float
    pixels_x: int
    pixels_y: int
    size: str = ""
    max_rois: int = 0
    orientation_deg: float = 0.0


class LcoElement(_Lco):
    code: str
    name: str
    schedulable: bool = True


class LcoGroup(_Lco):
    type: str
    name: str
    element_change_overhead_s: float = 0.0
    default: str | None = None
    elements: list[LcoElement]


class LcoMode(_Lco):
    code: str
    name: str
    overhead_s: float = 0.0
    schedulable: bool = True
    validation_schema: dict[str, Any] = {}


class LcoModeGroup(_Lco):
    default: str | None = None
    modes: list[LcoMode]


class LcoConfigurationType(_Lco):
    code: str
    name: str
    schedulable: bool = True
    force_acquisition_off: bool = False
    requires_optical_elements: bool = True
    config_change_overhead_s: float = 0.0
    validation_schema: dict[str, Any] = {}


class LcoInstrumentType(_Lco):
    code: str
    name: str
    instrument_category: str | None = None
    fixed_overhead_per_exposure_s: float = 1.0
    observation_front_padding_s: float = 90.0
    config_front_padding_s: float = 0.0
    acquire_exposure_time_s: float = 0.0
    default_acceptability_threshold: float = 90.0
    allow_self_guiding: bool = True
    default_configuration_type: str | None = None
    science_camera_type: LcoCameraType
    autoguider_camera_type: LcoCameraType | None = None
    optical_element_groups: list[LcoGroup] = []
    modes: dict[str, LcoModeGroup] = {}
    configuration_types: list[LcoConfigurationType] = []
    validation_schema: dict[str, Any] = {}


class LcoHaLimits(_Lco):
    neg_hours: float
    pos_hours: float


class LcoInstrument(_Lco):
    code: str
    instrument_type: str
    state: str | int = "DISABLED"
    science_cameras: list[str] = Field(min_length=1)
    autoguider_camera: str


class LcoTelescope(_Lco):
    code: str
    name: str = ""
    serial_number: str = ""
    active: bool = True
    aperture_m: float
    lat: float
    long: float
    horizon_deg: float
    ha_limits: LcoHaLimits
    zenith_blind_spot_deg: float = 0.0
    slew_rate_s_per_arcsec: float = 0.0
    minimum_slew_overhead_s: float = 0.0
    maximum_slew_overhead_s: float = 0.0
    instrument_change_overhead_s: float = 0.0
    telescope_front_padding_s: float = 90.0
    instruments: list[LcoInstrument] = []


class LcoEnclosure(_Lco):
    code: str
    name: str = ""
    active: bool = True
    telescopes: list[LcoTelescope] = []


class LcoSite(_Lco):
    code: str
    name: str = ""
    active: bool = True
    lat: float
    long: float
    elevation_m: int
    timezone: str = "Etc/UTC"
    utc_offset_hours: int = 0
    restart: str = "00:00:00"
    enclosures: list[LcoEnclosure] = []


class LcoNetwork(_Lco):
    sites: list[LcoSite]
    instrument_types: list[LcoInstrumentType]


def _camera_type(source: LcoCameraType) -> dict[str, Any]:
    return {
        "name": source.name,
        "code": source.code,
        "size": source.size,
        "pscale": source.pscale_arcsec,
        "pixels_x": source.pixels_x,
        "pixels_y": source.pixels_y,
        "max_rois": source.max_rois,
    }


def _add(index: dict[Any, dict[str, Any]], key: Any, value: dict[str, Any], path: str) -> None:
    """Add ``value`` under ``key`` unless an equal one is there; a different one is an error."""
    if key in index and index[key] != value:
        raise ImportDocumentError(path, f"{key!r} is defined twice with different values")
    index.setdefault(key, value)


def convert_lco_network(network: LcoNetwork) -> dict[str, Any]:
    """Convert the ``lco-network.json`` layout to our document format (a plain dict)."""
    camera_types: dict[str, dict[str, Any]] = {}
    elements: dict[str, dict[str, Any]] = {}
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    categories: list[str] = []
    configuration_types: dict[str, dict[str, Any]] = {}
    instrument_types: list[dict[str, Any]] = []
    types_by_code: dict[str, LcoInstrumentType] = {}
    for n, it in enumerate(network.instrument_types):
        path = f"instrument_types[{n}]"
        types_by_code[it.code] = it
        _add(
            camera_types,
            it.science_camera_type.name,
            _camera_type(it.science_camera_type),
            f"{path}.science_camera_type.name",
        )
        if it.autoguider_camera_type is not None:
            _add(
                camera_types,
                it.autoguider_camera_type.name,
                _camera_type(it.autoguider_camera_type),
                f"{path}.autoguider_camera_type.name",
            )
        for k, group in enumerate(it.optical_element_groups):
            gpath = f"{path}.optical_element_groups[{k}]"
            for j, element in enumerate(group.elements):
                _add(elements, element.code, element.model_dump(), f"{gpath}.elements[{j}].code")
            _add(
                groups,
                (group.name, group.type),
                {
                    "name": group.name,
                    "type": group.type,
                    "element_change_overhead": group.element_change_overhead_s,
                    "default": group.default,
                    "optical_elements": [element.code for element in group.elements],
                },
                f"{gpath}.name",
            )
        if it.instrument_category and it.instrument_category not in categories:
            categories.append(it.instrument_category)
        for k, ctype in enumerate(it.configuration_types):
            _add(
                configuration_types,
                ctype.code,
                {"code": ctype.code, "name": ctype.name},
                f"{path}.configuration_types[{k}].name",
            )
        instrument_types.append(
            {
                "code": it.code,
                "name": it.name,
                "instrument_category": it.instrument_category,
                "fixed_overhead_per_exposure": it.fixed_overhead_per_exposure_s,
                "observation_front_padding": it.observation_front_padding_s,
                "config_front_padding": it.config_front_padding_s,
                "acquire_exposure_time": it.acquire_exposure_time_s,
                "default_acceptability_threshold": it.default_acceptability_threshold,
                "allow_self_guiding": it.allow_self_guiding,
                "default_configuration_type": it.default_configuration_type,
                "validation_schema": it.validation_schema,
                "mode_types": [
                    {
                        "type": mode_type,
                        "default": group.default,
                        "modes": [
                            {
                                "code": mode.code,
                                "name": mode.name,
                                "overhead": mode.overhead_s,
                                "schedulable": mode.schedulable,
                                "validation_schema": mode.validation_schema,
                            }
                            for mode in group.modes
                        ],
                    }
                    for mode_type, group in it.modes.items()
                ],
                "configuration_types": [
                    {
                        "configuration_type": ctype.code,
                        "config_change_overhead": ctype.config_change_overhead_s,
                        "schedulable": ctype.schedulable,
                        "force_acquisition_off": ctype.force_acquisition_off,
                        "requires_optical_elements": ctype.requires_optical_elements,
                        "validation_schema": ctype.validation_schema,
                    }
                    for ctype in it.configuration_types
                ],
            }
        )
    cameras: dict[str, dict[str, Any]] = {}
    sites: list[dict[str, Any]] = []
    for n, site in enumerate(network.sites):
        enclosures = []
        for k, enclosure in enumerate(site.enclosures):
            telescopes = []
            for j, telescope in enumerate(enclosure.telescopes):
                instruments = []
                for i, instrument in enumerate(telescope.instruments):
                    ipath = f"sites[{n}].enclosures[{k}].telescopes[{j}].instruments[{i}]"
                    it_source = types_by_code.get(instrument.instrument_type)
                    if it_source is None:
                        raise ImportDocumentError(
                            f"{ipath}.instrument_type",
                            f"unknown instrument type {instrument.instrument_type!r}",
                        )
                    science_type = it_source.science_camera_type
                    for c, code in enumerate(instrument.science_cameras):
                        _add(
                            cameras,
                            code,
                            {
                                "code": code,
                                "camera_type": science_type.name,
                                "orientation": science_type.orientation_deg,
                                "host": "",
                                "optical_element_groups": [
                                    {"name": g.name, "type": g.type}
                                    for g in it_source.optical_element_groups
                                ],
                            },
                            f"{ipath}.science_cameras[{c}]",
                        )
                    guider = instrument.autoguider_camera
                    if guider in instrument.science_cameras:
                        autoguider_type = "SelfGuide"
                    else:
                        autoguider_type = "OffAxis"
                        guide_type = it_source.autoguider_camera_type
                        if guide_type is None:
                            raise ImportDocumentError(
                                f"{ipath}.autoguider_camera",
                                f"instrument type {it_source.code} has no autoguider camera type "
                                "and the autoguider is not one of the science cameras",
                            )
                        _add(
                            cameras,
                            guider,
                            {
                                "code": guider,
                                "camera_type": guide_type.name,
                                "orientation": 0.0,
                                "host": "",
                                "optical_element_groups": [],
                            },
                            f"{ipath}.autoguider_camera",
                        )
                    instruments.append(
                        {
                            "code": instrument.code,
                            "state": instrument.state,
                            "instrument_type": instrument.instrument_type,
                            "science_cameras": instrument.science_cameras,
                            "autoguider_camera": guider,
                            "autoguider_type": autoguider_type,
                        }
                    )
                telescopes.append(
                    {
                        "code": telescope.code,
                        "name": telescope.name,
                        "serial_number": telescope.serial_number,
                        "active": telescope.active,
                        "aperture": telescope.aperture_m,
                        "lat": telescope.lat,
                        "long": telescope.long,
                        "horizon": telescope.horizon_deg,
                        "ha_limit_neg": telescope.ha_limits.neg_hours,
                        "ha_limit_pos": telescope.ha_limits.pos_hours,
                        "zenith_blind_spot": telescope.zenith_blind_spot_deg,
                        "slew_rate": telescope.slew_rate_s_per_arcsec,
                        "minimum_slew_overhead": telescope.minimum_slew_overhead_s,
                        "maximum_slew_overhead": telescope.maximum_slew_overhead_s,
                        "instrument_change_overhead": telescope.instrument_change_overhead_s,
                        "telescope_front_padding": telescope.telescope_front_padding_s,
                        "instruments": instruments,
                    }
                )
            enclosures.append(
                {
                    "code": enclosure.code,
                    "name": enclosure.name,
                    "active": enclosure.active,
                    "telescopes": telescopes,
                }
            )
        sites.append(
            {
                "code": site.code,
                "name": site.name,
                "active": site.active,
                "lat": site.lat,
                "long": site.long,
                "elevation": site.elevation_m,
                "timezone": site.utc_offset_hours,
                "tz": site.timezone,
                "restart": site.restart,
                "enclosures": enclosures,
            }
        )
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "camera_types": list(camera_types.values()),
        "optical_elements": list(elements.values()),
        "optical_element_groups": list(groups.values()),
        "cameras": list(cameras.values()),
        "instrument_categories": categories,
        "configuration_types": list(configuration_types.values()),
        "instrument_types": instrument_types,
        "sites": sites,
    }


def is_lco_network(document: dict[str, Any]) -> bool:
    """Whether ``document`` uses the ``lco-network.json`` layout."""
    return "format" not in document and "schema_version" in document


def parse(document: Any) -> ConfigurationDocument:
    """Recognise and check a configuration document (either format).

    Raises :class:`ImportDocumentError` with the path of the first problem.
    """
    if not isinstance(document, dict):
        raise ImportDocumentError("", "a configuration document must be a JSON object")
    if is_lco_network(document):
        try:
            network = LcoNetwork.model_validate(document)
        except ValidationError as error:
            _raise_first(error)
        document = convert_lco_network(network)
    elif document.get("format") != FORMAT_NAME:
        raise ImportDocumentError(
            "format",
            f"expected {FORMAT_NAME!r} (an OpenOCS export) or an lco-network.json document "
            "with 'schema_version'",
        )
    try:
        return ConfigurationDocument.model_validate(document)
    except ValidationError as error:
        _raise_first(error)
    raise AssertionError("unreachable")  # pragma: no cover
