"""Fixtures of the configdb tests: personas and a small network built through the models."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from openocs.configdb import models as m


@pytest.fixture
def anonymous() -> APIClient:
    return APIClient()


@pytest.fixture
def staff(db: Any) -> APIClient:
    user = get_user_model().objects.create_user("operator", password="x", is_staff=True)
    client = APIClient()
    client.force_authenticate(user)
    client.user = user  # type: ignore[attr-defined]
    return client


@pytest.fixture
def astronomer(db: Any) -> APIClient:
    user = get_user_model().objects.create_user("astronomer", password="x")
    client = APIClient()
    client.force_authenticate(user)
    return client


class Network:
    """A one-site network: tst.doma.1m0a with one Sinistro-like instrument (xx01)."""

    def __init__(self) -> None:
        self.site = m.Site.objects.create(
            code="tst", name="Test Site", elevation=2000, timezone=-7, tz="America/Phoenix"
        )
        self.enclosure = m.Enclosure.objects.create(site=self.site, code="doma", name="Dome A")
        self.telescope = m.Telescope.objects.create(
            enclosure=self.enclosure,
            code="1m0a",
            name="1 Meter",
            aperture=1.0,
            lat=31.0,
            long=-110.0,
            horizon=15.0,
            ha_limit_neg=-4.6,
            ha_limit_pos=4.6,
        )
        self.science_type = m.CameraType.objects.create(
            name="1m0 Sinistro", code="1m0-SciCam-Sinistro", size="26.5x26.5", pscale=0.389,
            pixels_x=4096, pixels_y=4096, max_rois=1,
        )  # fmt: skip
        self.guider_type = m.CameraType.objects.create(
            name="1m0 autoguider", code="1m0-AG", pscale=0.335, pixels_x=2048, pixels_y=2048
        )
        self.rp = m.OpticalElement.objects.create(name="SDSS-rp", code="rp")
        self.v = m.OpticalElement.objects.create(name="Bessell-V", code="V")
        self.filters = m.OpticalElementGroup.objects.create(
            name="1m0 filters", type="filters", element_change_overhead=2.0, default=self.rp
        )
        self.filters.optical_elements.set([self.v, self.rp])
        self.camera = m.Camera.objects.create(code="xx01", camera_type=self.science_type)
        self.camera.optical_element_groups.set([self.filters])
        self.guider = m.Camera.objects.create(code="ef01", camera_type=self.guider_type)
        self.category = m.InstrumentCategory.objects.create(code="IMAGE")
        self.expose = m.ConfigurationType.objects.create(code="EXPOSE", name="Expose")
        self.instrument_type = m.InstrumentType.objects.create(
            code="1M0-SCICAM-SINISTRO",
            name="1.0 meter Sinistro",
            instrument_category=self.category,
            config_front_padding=16.0,
            default_configuration_type=self.expose,
        )
        self.full_frame = m.GenericMode.objects.create(
            name="Full Frame", code="full_frame", overhead=27.0
        )
        self.readout = m.GenericModeGroup.objects.create(
            instrument_type=self.instrument_type, type_id="readout", default=self.full_frame
        )
        self.readout.modes.set([self.full_frame])
        self.guide_on = m.GenericMode.objects.create(name="On", code="ON")
        self.guiding = m.GenericModeGroup.objects.create(
            instrument_type=self.instrument_type, type_id="guiding"
        )
        self.guiding.modes.set([self.guide_on])
        self.expose_properties = m.ConfigurationTypeProperties.objects.create(
            instrument_type=self.instrument_type, configuration_type=self.expose
        )
        self.instrument = m.Instrument.objects.create(
            code="xx01",
            state="SCHEDULABLE",
            telescope=self.telescope,
            instrument_type=self.instrument_type,
            autoguider_camera=self.guider,
        )
        self.instrument.science_cameras.set([self.camera])


@pytest.fixture
def network(db: Any) -> Network:
    return Network()
