"""Deriving archive records from the real frames (spec §9.2–9.5, acceptance 17–21)."""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from astropy.io import fits

from openocs.ingester import (
    DoNotRetryError,
    FileDescription,
    FileSpecificationException,
    IngesterSettings,
    MalformedHeaderError,
    MissingHeaderError,
    describe_file,
)
from openocs.ingester.tests.conftest import FITS_DIR, FULL_FRAME

SETTINGS = IngesterSettings()


def describe(path: Path, **kwargs: Any) -> FileDescription:
    with path.open("rb") as fileobj:
        return describe_file(fileobj, path.name, settings=SETTINGS, **kwargs)


def fits_bytes(header: dict[str, Any], *, data: np.ndarray | None = None) -> io.BytesIO:
    hdu = fits.PrimaryHDU(data=data)
    for key, value in header.items():
        hdu.header[key] = value
    buffer = io.BytesIO()
    hdu.writeto(buffer)
    buffer.seek(0)
    return buffer


BASE_HEADER = {
    "PROPID": "LCO2021A-005",
    "DATE-OBS": "2020-01-31T20:09:56.956",
    "DAY-OBS": "20200131",
    "INSTRUME": "fa12",
    "SITEID": "lsc",
    "TELID": "1m0a",
    "OBSTYPE": "EXPOSE",
    "BLKUID": 42,
}


def test_every_real_frame_gives_a_record():
    for path in sorted(FITS_DIR.glob("*.fits.fz")):
        description = describe(path)
        assert description.record["basename"] == path.name.removesuffix(".fits.fz")
        assert description.record["observation_date"].endswith("Z")


def test_full_frame_matches_the_acceptance_example():
    description = describe(FULL_FRAME)
    record = description.record
    assert description.store_path == "ogg/ep02/20210708/raw/ogg2m001-ep02-20210708-0132-e00.fits.fz"
    assert record["reduction_level"] == 0
    assert record["observation_id"] is None
    assert record["request_id"] is None
    assert record["observation_day"] == "2021-07-08"
    # FTPEPO proposals are public at once (contains "EPO").
    assert record["public_date"] == record["observation_date"] == "2021-07-09T14:33:45.478000Z"
    ring = np.array(record["area"]["coordinates"][0])
    assert ring.shape == (5, 2)
    assert np.all(ring[:, 0] >= 0) and np.all(ring[:, 0] < 360)
    assert ring[:, 0].mean() == pytest.approx(13.7, abs=0.05)
    assert ring[:, 1].mean() == pytest.approx(-37.7, abs=0.05)
    assert ring[:, 0].max() - ring[:, 0].min() == pytest.approx(0.19, abs=0.02)
    assert ring[:, 1].max() - ring[:, 1].min() == pytest.approx(0.15, abs=0.02)


def test_footprint_corners_agree_with_astropy_wcs_of_the_sci_extension():
    from astropy.wcs import WCS

    with fits.open(FULL_FRAME) as hdulist, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # astropy notes the OBSGEO keywords it fixes
        header = hdulist["SCI"].header
        expected = WCS(header).all_pix2world([[1, 1]], 1)[0]
    ring = describe(FULL_FRAME).record["area"]["coordinates"][0]
    assert ring[0][0] == pytest.approx(expected[0], abs=1e-6)
    assert ring[0][1] == pytest.approx(expected[1], abs=1e-6)


def test_reduction_level_comes_from_the_file_name_when_the_header_has_none():
    assert (
        describe(FITS_DIR / "coj1m011-kb05-20150219-0125-e90.fits.fz").record["reduction_level"]
        == 90
    )
    assert (
        describe(FITS_DIR / "cpt1m010-kb70-20151219-0073-e10.fits.fz").record["reduction_level"]
        == 10
    )


def test_catalogue_becomes_catalog_with_its_image_as_l1idcat():
    description = describe(FITS_DIR / "cpt1m010-kb70-20151219-0073-e10_cat.fits.fz")
    assert description.record["configuration_type"] == "CATALOG"
    assert description.headers["L1IDCAT"] == "cpt1m010-kb70-20151219-0073-e10"
    assert "cpt1m010-kb70-20151219-0073-e10" in description.record["related_frame_filenames"]


def test_existing_public_date_is_kept():
    record = describe(FITS_DIR / "cpt1m010-kb70-20151219-0073-e10.fits.fz").record
    assert record["public_date"] == "2016-12-19T18:22:15Z"


def test_calibration_frames_without_l1pubdat_are_public_at_once():
    record = describe(FITS_DIR / "coj1m011-fl08-20151216-0083-d00.fits.fz").record
    assert record["public_date"] == record["observation_date"]


def test_length_one_third_axis_still_gives_a_footprint():
    record = describe(FITS_DIR / "coj1m011-fl08-20151216-0049-b00.fits.fz").record
    assert record["area"] is not None


def test_related_frame_names_lose_their_extensions_and_skip_self():
    description = describe(FITS_DIR / "coj1m011-kb05-20150219-0125-e90.fits.fz")
    assert description.headers["ORIGNAME"] == "coj1m011-kb05-20150219-0125-e00"
    assert "coj1m011-kb05-20150219-0125-e00" in description.record["related_frame_filenames"]
    assert description.record["basename"] not in description.record["related_frame_filenames"]


def test_null_values_become_empty_or_null():
    description = describe(FITS_DIR / "coj1m011-fl08-20151216-0049-b00.fits.fz")
    assert description.headers["OBJECT"] == ""
    assert description.headers["REQNUM"] is None
    assert description.record["target_name"] == ""


def test_blacklisted_cards_are_removed():
    description = describe(FULL_FRAME)
    assert "HISTORY" not in description.headers
    assert "COMMENT" not in description.headers
    assert "" not in description.headers


def test_day_obs_is_derived_from_date_obs_when_absent():
    header = {k: v for k, v in BASE_HEADER.items() if k != "DAY-OBS"}
    description = describe_file(fits_bytes(header), "x-e00.fits", settings=SETTINGS)
    assert description.record["observation_day"] == "2020-01-31"
    assert description.headers["DAY-OBS"] == "20200131"


def test_missing_required_header_is_named():
    header = {k: v for k, v in BASE_HEADER.items() if k != "SITEID"}
    with pytest.raises(MissingHeaderError) as caught:
        describe_file(fits_bytes(header), "x.fits", settings=SETTINGS)
    assert caught.value.keywords == ["SITEID"]
    assert "Could not find required keywords in headers!" in str(caught.value)
    assert "SITEID" in str(caught.value)
    assert caught.value.retryable is False


def test_malformed_date_is_named():
    with pytest.raises(MalformedHeaderError) as caught:
        describe_file(
            fits_bytes({**BASE_HEADER, "DATE-OBS": "yesterday"}), "x.fits", settings=SETTINGS
        )
    assert caught.value.keyword == "DATE-OBS"


def test_malformed_observation_id_is_named():
    with pytest.raises(MalformedHeaderError) as caught:
        describe_file(fits_bytes({**BASE_HEADER, "BLKUID": "abc"}), "x.fits", settings=SETTINGS)
    assert caught.value.keyword == "BLKUID"


def test_unknown_extension_is_refused():
    with pytest.raises(FileSpecificationException, match=r"file extension \.txt is not"):
        describe_file(io.BytesIO(b"x"), "notes.txt", settings=SETTINGS)


def test_a_file_that_is_not_fits_is_refused_permanently():
    with pytest.raises(DoNotRetryError, match="not a readable FITS file"):
        describe_file(io.BytesIO(b"not a fits file" * 200), "x.fits", settings=SETTINGS)


def test_pdf_needs_metadata_and_is_archived_with_it():
    with pytest.raises(MissingHeaderError):
        describe_file(io.BytesIO(b"%PDF-1.4"), "report.pdf", settings=SETTINGS)
    description = describe_file(
        io.BytesIO(b"%PDF-1.4"), "report.pdf", settings=SETTINGS, file_metadata=BASE_HEADER
    )
    assert description.record["basename"] == "report"
    assert description.store_path == "lsc/fa12/20200131/raw/report.pdf"


def test_uncompressed_and_compressed_files_give_identical_records(tmp_path):
    with fits.open(FULL_FRAME) as hdulist:
        plain = fits.HDUList(
            [fits.PrimaryHDU(data=hdulist["SCI"].data, header=hdulist["SCI"].header)]
        )
        target = tmp_path / FULL_FRAME.name.replace(".fits.fz", ".fits")
        plain.writeto(target)
    compressed = describe(FULL_FRAME).record
    uncompressed = describe(target).record
    for key in ("observation_date", "proposal_id", "request_id", "public_date", "reduction_level"):
        assert compressed[key] == uncompressed[key]
    assert np.allclose(compressed["area"]["coordinates"], uncompressed["area"]["coordinates"])


@pytest.mark.parametrize(
    ("basename", "obstype"),
    [("lsc1m009-fa04-20200101-0001-b00", "BIAS"), ("lsc1m009-fa04-20200101-0001-d00", "DARK"),
     ("lsc1m009-fa04-20200101-0001-f00", "SKYFLAT"), ("lsc1m009-fa04-20200101-0001-e91", "EXPOSE")],
)  # fmt: skip
def test_obstype_is_inferred_from_the_file_name_when_unknown(basename, obstype):
    header = {**BASE_HEADER, "OBSTYPE": "UNKNOWN"}
    description = describe_file(fits_bytes(header), f"{basename}.fits", settings=SETTINGS)
    assert description.record["configuration_type"] == obstype


def test_bad_pixel_masks_go_to_the_bpm_folder():
    header = {**BASE_HEADER, "OBSTYPE": "BPM"}
    description = describe_file(fits_bytes(header), "bpm-fa12_bin1x1.fits", settings=SETTINGS)
    assert description.store_path == "lsc/fa12/bpm/bpm-fa12_bin1x1.fits"


def test_processed_frames_go_to_the_processed_folder():
    header = {**BASE_HEADER, "RLEVEL": 91}
    description = describe_file(
        fits_bytes(header), "lsc1m009-fa12-20200131-0001-e91.fits", settings=SETTINGS
    )
    assert description.store_path.startswith("lsc/fa12/20200131/processed/")


def test_fast_header_reader_agrees_with_astropy_on_every_real_frame():
    from openocs.ingester.fitsheaders import iter_headers

    for path in sorted(FITS_DIR.glob("*.fits.fz")):
        with path.open("rb") as fileobj:
            raw_headers = list(iter_headers(fileobj))
        with fits.open(path) as hdulist:
            assert len(raw_headers) == len(hdulist)
            for raw, hdu in zip(raw_headers, hdulist, strict=True):
                for key in set(hdu.header.keys()) - {
                    "HISTORY",
                    "COMMENT",
                    "",
                    "CHECKSUM",
                    "DATASUM",
                }:
                    if key in raw:
                        expected = hdu.header[key]
                        if isinstance(expected, str):
                            assert str(raw[key]).strip() == expected.strip(), key
                        else:
                            assert raw[key] == expected, key


def test_fast_footprint_agrees_with_astropy_wcs_on_every_real_frame():
    from astropy.wcs import WCS

    from openocs.ingester.fitsheaders import iter_headers
    from openocs.ingester.footprint import _tan_corners

    checked = 0
    for path in sorted(FITS_DIR.glob("*.fits.fz")):
        with path.open("rb") as fileobj:
            raw = list(iter_headers(fileobj))[-1]
        n1, n2 = raw.get("NAXIS1"), raw.get("NAXIS2")
        fast = _tan_corners(raw, n1, n2) if n1 and n2 and "CD1_1" in raw else None
        if fast is None:
            continue
        with fits.open(path) as hdulist, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reference = WCS(hdulist[-1].header, naxis=2).all_pix2world(
                np.array([[1, 1], [1, n2], [n1, n2], [n1, 1]], dtype=float), 1
            )
        assert np.abs(np.array(fast) - reference).max() < 1e-9  # degrees
        checked += 1
    assert checked >= 5


def test_a_file_the_fast_reader_cannot_parse_falls_back_to_astropy(tmp_path):
    from openocs.ingester.fitsheaders import RawHeaderError, iter_headers

    with pytest.raises(RawHeaderError):
        list(iter_headers(io.BytesIO(b"x" * 2880)))
