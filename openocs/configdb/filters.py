"""Query filters of the list endpoints (spec configdb §3): exact matches; foreign keys by id
unless stated; ``instruments/`` locates by codes and ORs repeated ``state`` values."""

from __future__ import annotations

import django_filters as filters

from openocs.configdb import models as m


class SiteFilter(filters.FilterSet):  # type: ignore[misc]
    class Meta:
        model = m.Site
        fields = ["name", "code"]


class EnclosureFilter(filters.FilterSet):  # type: ignore[misc]
    class Meta:
        model = m.Enclosure
        fields = ["name", "code", "site"]


class TelescopeFilter(filters.FilterSet):  # type: ignore[misc]
    class Meta:
        model = m.Telescope
        fields = ["name", "code", "lat", "long", "horizon", "enclosure", "aperture"]


class InstrumentFilter(filters.FilterSet):  # type: ignore[misc]
    site = filters.CharFilter(field_name="telescope__enclosure__site__code")
    enclosure = filters.CharFilter(field_name="telescope__enclosure__code")
    telescope = filters.CharFilter(field_name="telescope__code")
    instrument_type = filters.CharFilter(field_name="instrument_type__code")
    camera_type = filters.CharFilter(field_name="science_cameras__camera_type__code", distinct=True)
    state = filters.MultipleChoiceFilter(choices=m.Instrument.State.choices)

    class Meta:
        model = m.Instrument
        fields = [
            "site",
            "enclosure",
            "telescope",
            "instrument_type",
            "camera_type",
            "science_cameras",
            "autoguider_camera",
            "state",
        ]


class CameraFilter(filters.FilterSet):  # type: ignore[misc]
    class Meta:
        model = m.Camera
        fields = ["code", "camera_type"]


class CameraTypeFilter(filters.FilterSet):  # type: ignore[misc]
    class Meta:
        model = m.CameraType
        fields = ["name", "pscale"]


class InstrumentTypeFilter(filters.FilterSet):  # type: ignore[misc]
    class Meta:
        model = m.InstrumentType
        fields = ["name", "code", "instrument_category"]


class OpticalElementGroupFilter(filters.FilterSet):  # type: ignore[misc]
    class Meta:
        model = m.OpticalElementGroup
        fields = ["name", "type", "optical_elements"]


class OpticalElementFilter(filters.FilterSet):  # type: ignore[misc]
    class Meta:
        model = m.OpticalElement
        fields = ["id", "name", "code", "schedulable"]


class GenericModeFilter(filters.FilterSet):  # type: ignore[misc]
    class Meta:
        model = m.GenericMode
        fields = ["name", "code", "schedulable"]
