"""What the Compose page offers: the caller's proposals and, for the chosen proposal, the
instrument types its allocations cover, with what each type offers.

The instrument facts come from the same digest ``GET /api/instruments/`` answers, so the page
never offers what the API would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from openocs.portal.proposals.models import Proposal, TimeAllocation
from openocs.portal.requestgroups.configuration import (
    PortalConfiguration,
    TelescopeInfo,
    load_portal_configuration,
)

Choice = tuple[str, str]


@dataclass(frozen=True)
class ModeParameter:
    """One ``extra_params`` entry a mode (or the instrument type) describes in its validation
    schema: the form shows an input for it, and the API's schema check judges the value."""

    name: str
    kind: str  # float | integer | boolean | string
    required: bool
    description: str


@dataclass(frozen=True)
class InstrumentChoices:
    """One instrument type as the form shows it."""

    code: str
    name: str
    telescope_class: str
    configuration_types: list[Choice]
    optical_element_groups: dict[str, list[Choice]]
    """Singular group type (``filter``, ``slit``) → elements."""
    default_optical_elements: dict[str, str]
    """Singular group type → the element configdb marks as the default."""
    readout_modes: list[Choice]
    acquisition_modes: list[Choice]
    guiding_modes: list[Choice]
    rotator_modes: list[Choice]
    exposure_modes: list[Choice]
    """Modes of the ``exposure`` group (MuSCAT's synchronous/asynchronous channels), chosen in an
    instrument config's ``extra_params.exposure_mode``."""
    max_rois: int
    default_configuration_type: str
    mode_parameters: dict[tuple[str, str], list[ModeParameter]] = field(default_factory=dict)
    """``(mode group, mode code)`` → the parameters that mode's schema asks for."""
    exposure_parameters: list[ModeParameter] = field(default_factory=list)
    """Parameters every instrument config of the type may give (e.g. ``defocus``)."""


@dataclass(frozen=True)
class LocationChoices:
    """Where a request may go: the sites, the enclosures of the chosen site and the telescopes
    of the chosen enclosure that host every instrument of the request (configdb's network)."""

    sites: list[Choice]
    enclosures: list[Choice]
    telescopes: list[Choice]


@dataclass
class ComposeChoices:
    proposals: list[Choice]
    instruments: dict[str, InstrumentChoices] = field(default_factory=dict)
    telescope_classes: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    network: PortalConfiguration | None = None
    staff: bool = False

    def instrument(self, code: str) -> InstrumentChoices | None:
        return self.instruments.get(str(code).upper())

    def candidate_telescopes(
        self, instrument_types: list[str], telescope_class: str
    ) -> list[TelescopeInfo]:
        """Telescopes of ``telescope_class`` that host every one of ``instrument_types`` (the
        selector the API's visibility and location rules use)."""
        types = [t for t in instrument_types if t]
        if self.network is None or not types:
            return []
        return self.network.candidate_telescopes(
            location={"telescope_class": telescope_class},
            instrument_types=types,
            include_non_schedulable=self.staff,
        )

    def locations(self, instrument_types: list[str], location: dict[str, Any]) -> LocationChoices:
        """The site, enclosure and telescope choices for a request's instruments, each level
        narrowed by the one above it."""
        candidates = self.candidate_telescopes(
            instrument_types, str(location.get("telescope_class") or "")
        )
        site = str(location.get("site") or "")
        enclosure = str(location.get("enclosure") or "")
        names = self.site_names()
        sites = sorted({t.site for t in candidates})
        enclosures = sorted({t.enclosure for t in candidates if t.site == site})
        telescopes = sorted(
            {t.code for t in candidates if (t.site, t.enclosure) == (site, enclosure)}
        )
        return LocationChoices(
            sites=[
                (code, f"{code} — {names[code]}" if names.get(code) else code) for code in sites
            ],
            enclosures=[(code, code) for code in enclosures],
            telescopes=[(code, code) for code in telescopes],
        )

    def site_names(self) -> dict[str, str]:
        if self.network is None:
            return {}
        return {str(s["code"]): str(s.get("name") or "") for s in self.network.sites}


def _singular(group_type: str) -> str:
    return group_type[:-1] if group_type.endswith("s") else group_type


def _modes(entry: dict[str, Any], group: str) -> list[Choice]:
    modes = (entry.get("modes") or {}).get(group) or {}
    return [(str(m["code"]), str(m.get("name") or m["code"])) for m in modes.get("modes", [])]


def _parameters(schema: Any) -> list[ModeParameter]:
    """The described or required, settable entries of an ``extra_params`` schema."""
    entries = ((schema or {}).get("extra_params") or {}).get("schema") or {}
    found = []
    for name, rule in entries.items():
        if not isinstance(rule, dict) or len(rule.get("allowed") or [None, None]) == 1:
            continue  # a fixed value (e.g. the binning of a readout mode) is not a choice
        if not (rule.get("required") or rule.get("description")):
            continue
        found.append(
            ModeParameter(
                name=str(name),
                kind=str(rule.get("type", "string")),
                required=bool(rule.get("required")),
                description=str(rule.get("description") or ""),
            )
        )
    return found


def _mode_parameters(entry: dict[str, Any]) -> dict[tuple[str, str], list[ModeParameter]]:
    found = {}
    for group, modes in (entry.get("modes") or {}).items():
        for mode in modes.get("modes", []):
            parameters = _parameters(mode.get("validation_schema"))
            if parameters:
                found[(str(group), str(mode["code"]))] = parameters
    return found


def _exposure_parameters(entry: dict[str, Any]) -> list[ModeParameter]:
    schema = (entry.get("validation_schema") or {}).get("instrument_configs") or {}
    return _parameters((schema.get("schema") or {}).get("schema") or {})


def _instrument(code: str, entry: dict[str, Any], max_rois: int) -> InstrumentChoices:
    return InstrumentChoices(
        code=code,
        name=str(entry.get("name") or code),
        telescope_class=str(entry.get("class", "")),
        configuration_types=[
            (str(ct_code), str(ct.get("name") or ct_code))
            for ct_code, ct in (entry.get("configuration_types") or {}).items()
        ],
        optical_element_groups={
            _singular(group): [
                (str(e["code"]), str(e.get("name") or e["code"]))
                for e in elements
                if e.get("schedulable", True)
            ]
            for group, elements in (entry.get("optical_elements") or {}).items()
        },
        default_optical_elements={
            _singular(group): str(e["code"])
            for group, elements in (entry.get("optical_elements") or {}).items()
            for e in elements
            if e.get("default")
        },
        readout_modes=_modes(entry, "readout"),
        acquisition_modes=_modes(entry, "acquisition"),
        guiding_modes=_modes(entry, "guiding"),
        rotator_modes=_modes(entry, "rotator"),
        exposure_modes=_modes(entry, "exposure"),
        max_rois=max_rois,
        default_configuration_type=str(entry.get("default_configuration_type") or ""),
        mode_parameters=_mode_parameters(entry),
        exposure_parameters=_exposure_parameters(entry),
    )


def user_proposal_choices(user: Any) -> list[Choice]:
    """The active proposals ``user`` is a member of, newest first."""
    rows = (
        Proposal.objects.filter(active=True, membership__user=user)
        .distinct()
        .order_by("-id")
        .values_list("id", "title")
    )
    return [(str(pk), f"{pk} — {title}" if title else str(pk)) for pk, title in rows]


def allocated_instrument_types(proposal_id: str) -> set[str]:
    """Instrument types of the proposal's allocations in semesters that have not ended."""
    lists = TimeAllocation.objects.filter(
        proposal_id=proposal_id, semester__end__gte=timezone.now()
    ).values_list("instrument_types", flat=True)
    return {str(t).upper() for types in lists for t in types}


def compose_choices(*, user: Any, proposal_id: str) -> ComposeChoices:
    """Proposals of ``user`` and the instruments ``proposal_id``'s allocations cover."""
    proposals = user_proposal_choices(user)
    configuration = load_portal_configuration()
    digest = configuration.digest(staff=bool(getattr(user, "is_staff", False)))
    allowed = allocated_instrument_types(proposal_id) if proposal_id else set()
    instruments = {
        code: _instrument(code, entry, configuration.max_rois_and_pixels(code)[0])
        for code, entry in sorted(digest.items())
        if code in allowed
    }
    classes = sorted({i.telescope_class for i in instruments.values()})
    return ComposeChoices(
        proposals=proposals,
        instruments=instruments,
        telescope_classes=classes,
        sites=configuration.site_codes(),
        network=configuration,
        staff=bool(getattr(user, "is_staff", False)),
    )
