"""The Compose form as the template renders it: the document's fields with their labels, values,
choices and errors, nested like the document (group → requests → configurations → exposures).

Templates only loop over what :func:`build_form` returns; every name, path and choice is made
here, where it is typed and tested.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from openocs.portal.requestgroups.compose.choices import (
    Choice,
    ComposeChoices,
    InstrumentChoices,
    ModeParameter,
)
from openocs.portal.requestgroups.compose.document import FORM_PREFIX
from openocs.portal.requestgroups.compose.plots import (
    applied_dither_offsets,
    applied_mosaic_offsets,
    pattern_figure,
)
from openocs.portal.requestgroups.rules import TARGET_FIELDS_BY_TYPE, target_required_fields
from openocs.portal.requestgroups.serializers import ORBITAL_SCHEMES, TARGET_TYPES

STRUCTURE = "structure"
"""A field whose change redraws the form (its choices decide other fields)."""

_TARGET_LABELS = {
    "name": ("Target name", ""),
    "ra": ("Right ascension", "degrees, or hours as 03:19:41.2"),
    "dec": ("Declination", "degrees, or −19:24:40"),
    "hour_angle": ("Hour angle", "hours"),
    "proper_motion_ra": ("Proper motion in RA", "mas/yr"),
    "proper_motion_dec": ("Proper motion in Dec", "mas/yr"),
    "parallax": ("Parallax", "mas"),
    "epoch": ("Epoch", "Julian year"),
    "altitude": ("Altitude", "degrees"),
    "azimuth": ("Azimuth", "degrees"),
    "diff_altitude_rate": ("Altitude rate", "arcsec/s"),
    "diff_azimuth_rate": ("Azimuth rate", "arcsec/s"),
    "diff_epoch": ("Rate epoch", "MJD"),
    "diff_altitude_acceleration": ("Altitude acceleration", "arcsec/s²"),
    "diff_azimuth_acceleration": ("Azimuth acceleration", "arcsec/s²"),
    "scheme": ("Orbital elements scheme", ""),
    "epochofel": ("Epoch of elements", "MJD"),
    "orbinc": ("Inclination", "degrees"),
    "longascnode": ("Longitude of ascending node", "degrees"),
    "longofperih": ("Longitude of perihelion", "degrees"),
    "argofperih": ("Argument of perihelion", "degrees"),
    "meandist": ("Semi-major axis", "au"),
    "perihdist": ("Perihelion distance", "au"),
    "eccentricity": ("Eccentricity", ""),
    "meanlong": ("Mean longitude", "degrees"),
    "meananom": ("Mean anomaly", "degrees"),
    "dailymot": ("Daily motion", "degrees/day"),
    "epochofperih": ("Epoch of perihelion", "MJD"),
}
_TEXT_TARGET_FIELDS = {"name", "scheme"}


@dataclass
class Field:
    """One input: ``name`` is the document path with the form prefix."""

    path: str
    label: str
    value: str = ""
    kind: str = "number"  # number | text | select | datetime | textarea
    choices: list[Choice] = field(default_factory=list)
    help: str = ""
    errors: list[str] = field(default_factory=list)
    required: bool = False
    trigger: str = "validate"  # validate | structure
    step: str = "any"

    @property
    def name(self) -> str:
        return FORM_PREFIX + self.path

    @property
    def input_id(self) -> str:
        return "f-" + self.path.replace(".", "-")


@dataclass
class Section:
    """A titled group of fields inside a configuration (target, constraints, …)."""

    title: str
    fields: list[Field]
    more: list[Field] = field(default_factory=list)
    """Fields folded away under "more" (rarely needed)."""


@dataclass
class ExposureForm:
    path: str
    fields: list[Field]
    rois: list[tuple[str, list[Field]]]
    max_rois: int


@dataclass
class ConfigurationForm:
    path: str
    number: int
    fields: list[Field]
    target: Section
    exposures: list[ExposureForm]
    constraints: Section
    acquisition: Section
    guiding: Section
    instrument: InstrumentChoices | None
    duration: str = ""
    dither_figure: dict[str, Any] | None = None
    """The applied dither's offsets, once a dither has been applied."""


@dataclass
class WindowForm:
    path: str
    fields: list[Field]


@dataclass
class RequestForm:
    path: str
    number: int
    fields: list[Field]
    location: list[Field]
    more: list[Field]
    windows: list[WindowForm]
    configurations: list[ConfigurationForm]
    duration: str = ""
    mosaic_figure: dict[str, Any] | None = None
    """The applied mosaic's pointings, once a mosaic has been applied."""


@dataclass
class ComposeForm:
    fields: list[Field]
    requests: list[RequestForm]
    hidden: list[tuple[str, str]]
    """``(name, value)`` of document values no visible field shows (``extra_params``, …),
    so that a round trip through the page keeps them."""


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def datetime_local(value: Any) -> str:
    """``2026-12-01T12:00:00Z`` → ``2026-12-01T12:00`` for a ``datetime-local`` input."""
    raw = text(value)
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return raw
    return moment.strftime("%Y-%m-%dT%H:%M")


def _list(node: dict[str, Any], key: str) -> list[Any]:
    value = node.get(key)
    return value if isinstance(value, list) else []


def _dict(node: dict[str, Any], key: str) -> dict[str, Any]:
    value = node.get(key)
    return value if isinstance(value, dict) else {}


class _Builder:
    def __init__(
        self,
        document: dict[str, Any],
        choices: ComposeChoices,
        errors: dict[str, list[str]],
        durations: dict[str, str],
    ) -> None:
        self.document = document
        self.choices = choices
        self.errors = errors
        self.durations = durations
        self.shown: set[str] = set()

    def field(self, node: dict[str, Any], path: str, key: str, label: str, **options: Any) -> Field:
        full = f"{path}.{key}" if path else key
        self.shown.add(full)
        value = node.get(key) if isinstance(node, dict) else None
        rendered = datetime_local(value) if options.get("kind") == "datetime" else text(value)
        return Field(
            path=full, label=label, value=rendered, errors=self.errors.get(full, []), **options
        )

    def select(
        self,
        node: dict[str, Any],
        path: str,
        key: str,
        label: str,
        choices: list[Choice],
        *,
        blank: str = "",
        **options: Any,
    ) -> Field:
        current = text(node.get(key) if isinstance(node, dict) else None)
        offered = list(choices)
        if current and current not in {code for code, _ in offered}:
            offered.append((current, f"{current} (not offered)"))
        if blank or not current:
            offered.insert(0, ("", blank or "Choose…"))
        return self.field(node, path, key, label, kind="select", choices=offered, **options)

    # --- levels ---------------------------------------------------------------------------

    def group(self) -> ComposeForm:
        doc = self.document
        fields = [
            self.field(doc, "", "name", "Name of this request group", kind="text", required=True),
            self.select(
                doc,
                "",
                "proposal",
                "Proposal",
                self.choices.proposals,
                required=True,
                trigger=STRUCTURE,
            ),
            self.select(
                doc,
                "",
                "observation_type",
                "Observation type",
                [
                    ("NORMAL", "Normal"),
                    ("TIME_CRITICAL", "Time critical"),
                    ("RAPID_RESPONSE", "Rapid response"),
                ],
            ),
            self.select(
                doc,
                "",
                "operator",
                "How many requests must be observed",
                [("SINGLE", "The request (one)"), ("MANY", "Any of them, each on its own (many)")],
            ),
            self.field(
                doc,
                "",
                "ipp_value",
                "Intra-proposal priority (IPP)",
                step="0.05",
                help="0.5 to 2; above 1 costs more time",
            ),
        ]
        requests = _list(doc, "requests")
        forms = [self.request(r, f"requests.{i}", i + 1) for i, r in enumerate(requests)]
        return ComposeForm(fields=fields, requests=forms, hidden=self.hidden())

    def request(self, node: dict[str, Any], path: str, number: int) -> RequestForm:
        fields = [
            self.field(node, path, "observation_note", "Note to the observatory", kind="text"),
        ]
        more = [
            self.field(
                node,
                path,
                "acceptability_threshold",
                "Acceptable completion",
                help="percent; empty: the instrument's default",
            ),
            self.field(node, path, "configuration_repeats", "Repeat all configurations", step="1"),
            self.select(
                node,
                path,
                "optimization_type",
                "Optimise for",
                [("TIME", "Earliest time"), ("AIRMASS", "Lowest airmass")],
            ),
        ]
        windows_raw = _list(node, "windows")
        windows = [
            WindowForm(
                path=f"{path}.windows.{i}",
                fields=[
                    self.field(w, f"{path}.windows.{i}", "start", "Start (UTC)", kind="datetime"),
                    self.field(
                        w, f"{path}.windows.{i}", "end", "End (UTC)", kind="datetime", required=True
                    ),
                ],
            )
            for i, w in enumerate(windows_raw)
            if isinstance(w, dict)
        ]
        configurations_raw = _list(node, "configurations")
        configurations = [
            self.configuration(c, f"{path}.configurations.{i}", i + 1)
            for i, c in enumerate(configurations_raw)
            if isinstance(c, dict)
        ]
        return RequestForm(
            path=path,
            number=number,
            fields=fields,
            location=self.location(_dict(node, "location"), f"{path}.location", node),
            more=more,
            windows=windows,
            configurations=configurations,
            duration=self.durations.get(path, ""),
            mosaic_figure=_applied_figure(
                applied_mosaic_offsets(node), "Applied mosaic", "pointings, from pointing 1"
            ),
        )

    def location(self, node: dict[str, Any], path: str, request: dict[str, Any]) -> list[Field]:
        """Telescope class, then site, enclosure and telescope among those that host every
        instrument of the request; each choice narrows the next."""
        types = [
            str(c.get("instrument_type") or "")
            for c in _list(request, "configurations")
            if isinstance(c, dict)
        ]
        offered = self.choices.locations(types, node)
        return [
            self.select(
                node,
                path,
                "telescope_class",
                "Telescope class",
                [(c, c) for c in self.choices.telescope_classes],
            ),
            self.select(
                node, path, "site", "Site", offered.sites, blank="Any site", trigger=STRUCTURE
            ),
            self.select(
                node,
                path,
                "enclosure",
                "Enclosure",
                offered.enclosures,
                blank="Any enclosure",
                trigger=STRUCTURE,
                help="" if node.get("site") else "choose a site first",
            ),
            self.select(
                node,
                path,
                "telescope",
                "Telescope",
                offered.telescopes,
                blank="Any telescope",
                help="" if node.get("enclosure") else "choose an enclosure first",
            ),
        ]

    def configuration(self, node: dict[str, Any], path: str, number: int) -> ConfigurationForm:
        instrument = self.choices.instrument(str(node.get("instrument_type", "")))
        instrument_choices = [(i.code, i.name) for i in self.choices.instruments.values()]
        fields = [
            self.select(
                node,
                path,
                "instrument_type",
                "Instrument",
                instrument_choices,
                required=True,
                trigger=STRUCTURE,
            ),
            self.select(
                node,
                path,
                "type",
                "Configuration type",
                instrument.configuration_types if instrument else [],
                required=True,
                trigger=STRUCTURE,
            ),
        ]
        if "REPEAT" in str(node.get("type", "")).upper():
            fields.append(
                self.field(
                    node, path, "repeat_duration", "Repeat for", help="seconds", required=True
                )
            )
        exposures_raw = _list(node, "instrument_configs")
        exposures = [
            self.exposure(ic, f"{path}.instrument_configs.{i}", instrument)
            for i, ic in enumerate(exposures_raw)
            if isinstance(ic, dict)
        ]
        return ConfigurationForm(
            path=path,
            number=number,
            fields=fields,
            target=self.target(_dict(node, "target"), f"{path}.target"),
            exposures=exposures,
            constraints=self.constraints(_dict(node, "constraints"), f"{path}.constraints"),
            acquisition=self.acquisition(
                _dict(node, "acquisition_config"), f"{path}.acquisition_config", instrument
            ),
            guiding=self.guiding(
                _dict(node, "guiding_config"), f"{path}.guiding_config", instrument
            ),
            instrument=instrument,
            duration=self.durations.get(path, ""),
            dither_figure=_applied_figure(
                applied_dither_offsets(node), "Applied dither", "positions"
            ),
        )

    def target(self, node: dict[str, Any], path: str) -> Section:
        target_type = str(node.get("type") or "ICRS")
        fields = [
            self.select(
                node,
                path,
                "type",
                "Target type",
                [(t, _TARGET_TYPE_NAMES.get(t, t)) for t in TARGET_TYPES],
                trigger=STRUCTURE,
            ),
            self.target_field(node, path, "name", required=True),
        ]
        scheme = str(node.get("scheme") or "") or None
        required = target_required_fields(target_type, scheme)
        if target_type == "ORBITAL_ELEMENTS":
            fields.append(
                self.select(
                    node,
                    path,
                    "scheme",
                    "Orbital elements scheme",
                    [(s, _SCHEME_NAMES.get(s, s)) for s in ORBITAL_SCHEMES],
                    required=True,
                    trigger=STRUCTURE,
                )
            )
        more: list[Field] = []
        for key in TARGET_FIELDS_BY_TYPE.get(target_type, []):
            if key == "scheme":
                continue
            if key in required:
                fields.append(self.target_field(node, path, key, required=True))
            else:
                more.append(self.target_field(node, path, key))
        return Section(title="Target", fields=fields, more=more)

    def target_field(
        self, node: dict[str, Any], path: str, key: str, *, required: bool = False
    ) -> Field:
        label, help_text = _TARGET_LABELS.get(key, (key, ""))
        kind = (
            "text" if key in _TEXT_TARGET_FIELDS or key in ("ra", "dec", "hour_angle") else "number"
        )
        return self.field(node, path, key, label, kind=kind, help=help_text, required=required)

    def exposure(
        self, node: dict[str, Any], path: str, instrument: InstrumentChoices | None
    ) -> ExposureForm:
        fields = [
            self.field(node, path, "exposure_time", "Exposure time", help="seconds", required=True),
            self.field(node, path, "exposure_count", "Count", step="1", required=True),
        ]
        elements = _dict(node, "optical_elements")
        for group, options in (instrument.optical_element_groups if instrument else {}).items():
            fields.append(
                self.select(
                    elements,
                    f"{path}.optical_elements",
                    group,
                    group.replace("_", " ").capitalize(),
                    options,
                )
            )
        if instrument and instrument.readout_modes:
            fields.append(
                self.select(
                    node,
                    path,
                    "mode",
                    "Readout / binning",
                    instrument.readout_modes,
                    blank="Default",
                    trigger=STRUCTURE,
                )
            )
            fields += self.parameters(node, path, instrument, "readout", node.get("mode"))
        if instrument and instrument.rotator_modes:
            fields.append(
                self.select(
                    node,
                    path,
                    "rotator_mode",
                    "Rotator",
                    instrument.rotator_modes,
                    blank="Default",
                    trigger=STRUCTURE,
                )
            )
            fields += self.parameters(node, path, instrument, "rotator", node.get("rotator_mode"))
        if instrument and instrument.exposure_modes:
            extra = _dict(node, "extra_params")
            fields.append(
                self.select(
                    extra,
                    f"{path}.extra_params",
                    "exposure_mode",
                    "Exposure mode",
                    instrument.exposure_modes,
                    blank="Default",
                    trigger=STRUCTURE,
                )
            )
            fields += self.parameters(
                node, path, instrument, "exposure", extra.get("exposure_mode")
            )
        if instrument:
            fields += self.parameter_fields(node, path, instrument.exposure_parameters)
        rois_raw = _list(node, "rois")
        rois = [
            (
                f"{path}.rois.{i}",
                [
                    self.field(roi, f"{path}.rois.{i}", key, key, step="1")
                    for key in ("x1", "x2", "y1", "y2")
                ],
            )
            for i, roi in enumerate(rois_raw)
            if isinstance(roi, dict)
        ]
        return ExposureForm(
            path=path, fields=fields, rois=rois, max_rois=instrument.max_rois if instrument else 0
        )

    def constraints(self, node: dict[str, Any], path: str) -> Section:
        return Section(
            title="Constraints",
            fields=[
                self.field(node, path, "max_airmass", "Highest airmass", step="0.1"),
                self.field(
                    node, path, "min_lunar_distance", "Least distance to the Moon", help="degrees"
                ),
            ],
            more=[
                self.field(node, path, "max_lunar_phase", "Brightest Moon", help="0 new to 1 full"),
                self.field(node, path, "max_seeing", "Worst seeing", help="arcsec"),
                self.field(node, path, "min_transparency", "Least transparency"),
            ],
        )

    def acquisition(
        self, node: dict[str, Any], path: str, instrument: InstrumentChoices | None
    ) -> Section:
        modes = list(instrument.acquisition_modes) if instrument else []
        if "OFF" not in {code for code, _ in modes}:
            modes.insert(0, ("OFF", "Off"))
        fields = [self.select(node, path, "mode", "Acquisition", modes, trigger=STRUCTURE)]
        if instrument:
            fields += self.parameters(node, path, instrument, "acquisition", node.get("mode"))
        return Section(
            title="Acquisition",
            fields=fields,
            more=[self.field(node, path, "exposure_time", "Acquisition exposure", help="seconds")],
        )

    def guiding(
        self, node: dict[str, Any], path: str, instrument: InstrumentChoices | None
    ) -> Section:
        return Section(
            title="Guiding",
            fields=[
                self.select(
                    node, path, "mode", "Guiding", instrument.guiding_modes if instrument else []
                ),
                self.select(
                    node,
                    path,
                    "optional",
                    "Observe without guiding if it fails",
                    [("true", "Yes"), ("false", "No")],
                ),
            ],
            more=[self.field(node, path, "exposure_time", "Guider exposure", help="seconds")],
        )

    def parameters(
        self,
        node: dict[str, Any],
        path: str,
        instrument: InstrumentChoices,
        group: str,
        mode: Any,
    ) -> list[Field]:
        """Inputs for the ``extra_params`` the chosen mode of ``group`` asks for."""
        chosen = str(mode or "")
        for (kind, code), parameters in instrument.mode_parameters.items():
            if kind == group and code.lower() == chosen.lower():
                return self.parameter_fields(node, path, parameters)
        return []

    def parameter_fields(
        self, node: dict[str, Any], path: str, parameters: list[ModeParameter]
    ) -> list[Field]:
        extra = _dict(node, "extra_params")
        fields = []
        for parameter in parameters:
            label = parameter.name.replace("_", " ").capitalize()
            if parameter.kind == "boolean":
                fields.append(
                    self.select(
                        extra,
                        f"{path}.extra_params",
                        parameter.name,
                        label,
                        [("true", "Yes"), ("false", "No")],
                        blank="Default",
                        help=parameter.description,
                    )
                )
                continue
            fields.append(
                self.field(
                    extra,
                    f"{path}.extra_params",
                    parameter.name,
                    label,
                    kind="number" if parameter.kind in ("float", "integer") else "text",
                    help=parameter.description,
                    required=parameter.required,
                )
            )
        return fields

    def hidden(self) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []

        def walk(node: Any, path: str) -> None:
            if isinstance(node, dict):
                for key, value in node.items():
                    walk(value, f"{path}.{key}" if path else key)
            elif isinstance(node, list):
                for index, value in enumerate(node):
                    walk(value, f"{path}.{index}")
            elif path not in self.shown and node is not None and node != "":
                found.append((FORM_PREFIX + path, text(node)))

        walk(self.document, "")
        return found


_TARGET_TYPE_NAMES = {
    "ICRS": "Sidereal (RA, Dec)",
    "ORBITAL_ELEMENTS": "Solar-system body (orbital elements)",
    "HOUR_ANGLE": "Hour angle",
    "SATELLITE": "Satellite (alt/az rates)",
}
_SCHEME_NAMES = {
    "MPC_MINOR_PLANET": "Minor planet (MPC)",
    "MPC_COMET": "Comet (MPC)",
    "JPL_MAJOR_PLANET": "Major planet (JPL)",
    "JPL_MINOR_PLANET": "Minor planet (JPL)",
    "ASA_MAJOR_PLANET": "Major planet (ASA)",
    "ASA_MINOR_PLANET": "Minor planet (ASA)",
    "ASA_COMET": "Comet (ASA)",
}


def _applied_figure(
    offsets: list[tuple[float, float]], title: str, unit: str
) -> dict[str, Any] | None:
    if not offsets:
        return None
    return pattern_figure(offsets, title=f"{title}: {len(offsets)} {unit}")


def build_form(
    document: dict[str, Any],
    choices: ComposeChoices,
    errors: dict[str, list[str]],
    durations: dict[str, str] | None = None,
) -> ComposeForm:
    """The form of ``document`` with ``errors`` and ``durations`` (by path) beside their
    fields and items."""
    return _Builder(document, choices, errors, durations or {}).group()
