"""The frame writer: headers the archive and reducers read, a TAN WCS on the pointing (checked
with astropy.wcs), a sky that looks like one, and the same bytes for the same spec."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits
from astropy.wcs import WCS

from openocs.ingester import IngesterSettings, describe_file
from openocs.simulator.frames import (
    FrameSpec,
    day_obs,
    format_dec,
    format_ra,
    frame_bytes,
    render_image,
    write_frame,
)

DATE_OBS = datetime(2026, 12, 7, 14, 30, 15, 250000, tzinfo=UTC)


def _spec(**changes: object) -> FrameSpec:
    spec = FrameSpec(
        site="coj",
        enclosure="doma",
        telescope="1m0a",
        telescope_serial="1m003",
        instrument="fa12",
        instrument_type="1M0-SCICAM-SINISTRO",
        obstype="EXPOSE",
        date_obs=DATE_OBS,
        exposure_time_s=30.0,
        frame_number=7,
        proposal_id="DEMO-001",
        public_date=DATE_OBS + timedelta(days=365),
        ra_deg=83.822,
        dec_deg=-5.391,
        object_name="M42",
        filter_name="rp",
        request_id=41,
        request_group_id=40,
        observation_id=42,
        configuration_id=43,
        configuration_status_id=44,
        site_longitude_deg=149.07,
        size_px=128,
    )
    return replace(spec, **changes)  # type: ignore[arg-type]


def _header(path: Path) -> fits.Header:
    with fits.open(path) as hdus:
        assert isinstance(hdus[1], fits.CompImageHDU)  # fpack: a tile-compressed image
        return hdus[1].header.copy()


def test_the_frame_is_an_fpacked_fits_named_like_an_lco_raw_frame(tmp_path: Path) -> None:
    path = write_frame(_spec(), tmp_path)

    assert path.name == "coj1m003-fa12-20261207-0007-e00.fits.fz"
    assert path.read_bytes()[:6] == b"SIMPLE"
    with fits.open(path) as hdus:
        assert hdus[1].name == "SCI"
        assert hdus[1].data.shape == (128, 128)
        assert hdus[1].data.dtype == np.uint16
    assert not list(tmp_path.glob("*.part"))


def test_the_headers_carry_what_the_archive_and_reducers_read(tmp_path: Path) -> None:
    header = _header(write_frame(_spec(), tmp_path))

    assert header["SITEID"] == "coj"
    assert header["ENCID"] == "doma"
    assert header["TELID"] == "1m0a"
    assert header["INSTRUME"] == "fa12"
    assert header["FILTER"] == "rp"
    assert header["OBJECT"] == "M42"
    assert header["OBSTYPE"] == "EXPOSE"
    assert header["EXPTIME"] == 30.0
    assert header["DATE-OBS"] == "2026-12-07T14:30:15.250"
    assert header["DAY-OBS"] == "20261207"
    assert header["UTSTOP"] == "14:30:45.250"
    assert header["PROPID"] == "DEMO-001"
    assert (header["REQNUM"], header["TRACKNUM"], header["BLKUID"]) == (41, 40, 42)
    assert header["MOLUID"] == 43
    assert header["RLEVEL"] == 0
    assert header["L1PUBDAT"] == "2027-12-07T14:30:15.250"
    assert header["RA"] == "05:35:17.280"
    assert header["DEC"] == "-05:23:27.60"


def test_the_wcs_puts_the_pointing_at_the_centre_with_north_up(tmp_path: Path) -> None:
    wcs = WCS(_header(write_frame(_spec(), tmp_path)))
    centre = (128 - 1) / 2.0

    ra, dec = wcs.pixel_to_world_values(centre, centre)
    assert ra == pytest.approx(83.822, abs=1e-9)
    assert dec == pytest.approx(-5.391, abs=1e-9)
    _, dec_up = wcs.pixel_to_world_values(centre, centre + 100)
    ra_left, _ = wcs.pixel_to_world_values(centre - 100, centre)
    assert dec_up > dec  # north is +y
    assert ra_left > ra  # east is -x (RA grows to the left)
    scale_arcsec = np.hypot(*wcs.pixel_scale_matrix[:, 0]) * 3600.0
    assert scale_arcsec == pytest.approx(0.389)


def test_the_target_is_the_brightest_star_at_the_pointing() -> None:
    image = render_image(_spec(size_px=256))
    peak = np.unravel_index(np.argmax(image), image.shape)
    assert abs(peak[0] - 127.5) <= 2 and abs(peak[1] - 127.5) <= 2
    assert np.median(image) > 1000  # bias plus sky background


def test_the_same_spec_gives_the_same_bytes_and_another_exposure_other_noise() -> None:
    assert frame_bytes(_spec()) == frame_bytes(_spec())
    first, second = render_image(_spec()), render_image(_spec(frame_number=8))
    assert not np.array_equal(first, second)


def test_the_star_field_depends_on_the_pointing_only() -> None:
    a, b = _spec(frame_number=1), _spec(frame_number=2)
    assert a.field_seed == b.field_seed
    assert a.field_seed != _spec(ra_deg=10.0).field_seed


@pytest.mark.parametrize(
    ("obstype", "letter", "low", "high"),
    [("BIAS", "b", 950, 1050), ("DARK", "d", 950, 1100), ("SKYFLAT", "f", 20000, 30000)],
)
def test_calibration_frames_look_like_calibrations(
    obstype: str, letter: str, low: float, high: float
) -> None:
    spec = _spec(obstype=obstype, exposure_time_s=10.0)
    assert spec.basename.endswith(f"-{letter}00")
    assert spec.is_calibration
    assert low < float(np.median(render_image(spec))) < high


def test_the_ingester_derives_the_archive_record_from_the_frame(tmp_path: Path) -> None:
    path = write_frame(_spec(), tmp_path)

    with path.open("rb") as fileobj:
        described = describe_file(fileobj, path.name, settings=IngesterSettings())

    record = described.record
    assert record["request_id"] == 41
    assert record["observation_id"] == 42
    assert record["site_id"] == "coj"
    assert record["configuration_type"] == "EXPOSE"
    assert record["public_date"].startswith("2027-12-07T14:30:15")
    assert record["area"]["type"] == "Polygon"


def test_day_obs_is_the_local_date_of_the_evening() -> None:
    # 14:30 UTC is 00:26 local mean time at 149° E: the night began the evening before
    assert day_obs(DATE_OBS, 149.07) == "20261207"
    assert day_obs(datetime(2026, 12, 7, 1, 0, tzinfo=UTC), 149.07) == "20261206"
    assert day_obs(datetime(2026, 12, 7, 5, 0, tzinfo=UTC), -70.8) == "20261206"


def test_sexagesimal_formatting_rounds_and_wraps() -> None:
    assert format_ra(0.0) == "00:00:00.000"
    assert format_ra(359.9999999999) == "00:00:00.000"
    assert format_ra(-15.0) == "23:00:00.000"
    assert format_dec(-0.5) == "-00:30:00.00"
    assert format_dec(89.999999999) == "+90:00:00.00"
