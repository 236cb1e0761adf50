"""Frame queries over 1,000,000 frames on PostgreSQL (issue 7 target: median ≤ 150 ms).

Creates a separate database (``ocs_bench_archive``), migrates the archive into it, bulk-loads
1,000,000 synthetic frames (uniform over the sky and five years, 500 proposals, a 0.2° × 0.2°
footprint each, one version each) with COPY, then times through the full Django stack
(authentication, visibility rule, filters, pagination, JSON):

* ``GET frames/?start=&end=&proposal_id=`` (a 7-day window of one proposal), and
* a 10-arcminute cone search (``ra``, ``dec``, ``radius``),

each 40 times with random parameters, as a member of one proposal; then the archive's search
*page* (``GET /`` of the archive deployed alone, signed in as that member: the whole HTML with its
count, 25 rows and thumbnails looked up) for the same two searches, a cone around a resolved name
(``cone_name=M31``) and the unfiltered first page (1,000,000 frames: the count is estimated after
150 ms). Drops the database at the end.

    .venv/bin/python benchmarks/archive_queries.py [--frames 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

import numpy as np
import psycopg

SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE = os.environ.get("OCS_BENCH_DATABASE", "ocs_bench_archive")
START = datetime(2019, 1, 1, tzinfo=UTC)
SPAN_S = 5 * 365 * 86400
PROPOSALS = [f"LCO{2019 + i % 5}A-{i:03d}" for i in range(500)]


def recreate(drop_only: bool = False) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        if not drop_only:
            connection.execute(f"CREATE DATABASE {DATABASE}")


def unit(ra_deg: np.ndarray, dec_deg: np.ndarray) -> np.ndarray:
    ra, dec = np.radians(ra_deg), np.radians(dec_deg)
    return np.stack([np.cos(dec) * np.cos(ra), np.cos(dec) * np.sin(ra), np.sin(dec)], axis=-1)


def load(count: int, rng: np.random.Generator) -> None:
    ra = rng.uniform(0, 360, count)
    dec = np.degrees(np.arcsin(rng.uniform(-0.999, 0.999, count)))
    half_dec = 0.1
    half_ra = half_dec / np.cos(np.radians(dec))
    corners_ra = np.stack([ra - half_ra, ra - half_ra, ra + half_ra, ra + half_ra], axis=1) % 360
    corners_dec = np.stack([dec - half_dec, dec + half_dec, dec + half_dec, dec - half_dec], axis=1)
    vectors = unit(corners_ra, corners_dec)
    centre = vectors.sum(axis=1)
    centre /= np.linalg.norm(centre, axis=1, keepdims=True)
    cosines = np.clip(np.einsum("nk,nck->nc", centre, vectors), -1, 1)
    radius = np.degrees(np.arccos(cosines.min(axis=1)))
    dec_c = np.degrees(np.arcsin(centre[:, 2]))
    offsets = rng.uniform(0, SPAN_S, count)
    proposal = rng.integers(0, len(PROPOSALS), count)
    exposure = rng.choice([10.0, 30.0, 60.0, 120.0, 300.0], count)
    public = rng.random(count) < 0.6
    now = datetime.now(tz=UTC).isoformat()
    with psycopg.connect(f"{SERVER}/{DATABASE}") as connection, connection.cursor() as cursor:
        columns = (
            "id, basename, observation_date, observation_day, proposal_id, instrument_id, "
            "target_name, reduction_level, site_id, telescope_id, exposure_time, "
            "primary_optical_element, public_date, configuration_type, observation_id, "
            "request_id, submitter, area, cx, cy, cz, dec_c, footprint_radius_deg, listed, "
            "created, modified"
        )
        with cursor.copy(f"COPY archive_frame ({columns}) FROM STDIN") as copy:
            for i in range(count):
                observed = START + timedelta(seconds=float(offsets[i]))
                public_date = observed + timedelta(days=0 if public[i] else 3650)
                ring = [
                    [round(float(corners_ra[i, k]), 6), round(float(corners_dec[i, k]), 6)]
                    for k in (0, 1, 2, 3, 0)
                ]
                copy.write_row((
                    i + 1, f"bench-{i:07d}-e91", observed, observed.date(), PROPOSALS[proposal[i]],
                    "fa12", f"target {i % 1000}", 91, "lsc", "1m0a", float(exposure[i]), "rp",
                    public_date, "EXPOSE", i, i // 3, "bench",
                    json.dumps({"type": "Polygon", "coordinates": [ring]}),
                    float(centre[i, 0]), float(centre[i, 1]), float(centre[i, 2]),
                    float(dec_c[i]), float(radius[i]), True, now, now,
                ))  # fmt: skip
        with cursor.copy(
            "COPY archive_version (frame_id, key, md5, extension, size, path, created) FROM STDIN"
        ) as copy:
            for i in range(count):
                md5 = f"{i:032x}"
                copy.write_row(
                    (
                        i + 1,
                        md5,
                        md5,
                        ".fits.fz",
                        3_464_640,
                        f"lsc/fa12/x/processed/bench-{i:07d}-e91.fits.fz",
                        now,
                    )
                )
        cursor.execute("SELECT setval('archive_frame_id_seq', %s)", (count + 1,))
        connection.commit()
    # What autovacuum does after a bulk load: statistics and the visibility map (index-only scans).
    with psycopg.connect(f"{SERVER}/{DATABASE}", autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE archive_frame")
        connection.execute("VACUUM ANALYZE archive_version")


def timed(client: object, path: str, params: dict[str, str]) -> tuple[float, dict[str, object]]:
    started = time.perf_counter()
    response = client.get(path, params)  # type: ignore[attr-defined]
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.content[:300]
    return elapsed, response.json()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    parser.add_argument(
        "--reuse", action="store_true", help="time a database kept by --keep (no reload)"
    )
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    if not args.reuse:
        recreate()
    try:
        os.environ.update(
            OCS_COMPONENTS="archive",
            DATABASE_URL=f"{SERVER}/{DATABASE}",
            OCS_DATA_DIR=tempfile.mkdtemp(prefix="ocs-archive-bench-"),
            OCS_LOG_LEVEL="WARNING",
            DJANGO_SETTINGS_MODULE="openocs.server.settings",
        )
        import django

        django.setup()
        from django.conf import settings
        from django.core.cache import cache
        from django.core.management import call_command

        settings.ALLOWED_HOSTS = ["*"]
        call_command("migrate", verbosity=0)
        if not args.reuse:
            started = time.perf_counter()
            load(args.frames, rng)
            print(
                f"loaded {args.frames} frames and versions in {time.perf_counter() - started:.0f} s"
            )

        from django.contrib.auth.models import User
        from django.test import Client
        from rest_framework.authtoken.models import Token

        member, _ = User.objects.get_or_create(username="member")
        token = Token.objects.get_or_create(user=member)[0].key
        cache.set(f"archive:proposals:{member.pk}", [PROPOSALS[3]], 3600)  # as if from the portal
        client = Client(HTTP_AUTHORIZATION=f"Token {token}")

        browser = Client()
        browser.force_login(member)

        page_cpu: dict[str, list[float]] = {}

        def page_timed(params: dict[str, str], name: str = "") -> float:
            started, cpu = time.perf_counter(), time.process_time()
            response = browser.get("/", params)
            elapsed = time.perf_counter() - started
            page_cpu.setdefault(name, []).append(time.process_time() - cpu)
            assert response.status_code == 200, response.content[:300]
            assert b"This search cannot be run" not in response.content
            return elapsed

        window_times, window_counts = [], []
        page_times: dict[str, list[float]] = {
            "page: 7-day window of a proposal": [],
            "page: cone 10 arcmin": [],
            "page: cone around a name (M31, 0.25 deg)": [],
            "page: everything visible, first page": [],
        }
        cone_times, cone_counts = [], []
        for _ in range(3):  # warm-up
            timed(client, "/frames/", {"limit": "10"})
            page_timed({"cone_name": "M31"})
        for _ in range(args.repeat):
            begin = START + timedelta(seconds=float(rng.uniform(0, SPAN_S - 7 * 86400)))
            params = {
                "start": begin.strftime("%Y-%m-%d %H:%M"),
                "end": (begin + timedelta(days=7)).strftime("%Y-%m-%d %H:%M"),
                "proposal_id": PROPOSALS[int(rng.integers(0, len(PROPOSALS)))],
            }
            elapsed, body = timed(client, "/frames/", params)
            window_times.append(elapsed)
            window_counts.append(int(body["count"]))  # type: ignore[call-overload]
            ra = float(rng.uniform(0, 360))
            dec = float(np.degrees(np.arcsin(rng.uniform(-0.99, 0.99))))
            cone = {"ra": f"{ra:.5f}", "dec": f"{dec:.5f}", "radius": f"{10 / 60:.6f}"}
            elapsed, body = timed(client, "/frames/", cone)
            cone_times.append(elapsed)
            cone_counts.append(int(body["count"]))  # type: ignore[call-overload]
            page_times["page: 7-day window of a proposal"].append(
                page_timed(params, "page: 7-day window of a proposal")
            )
            page_times["page: cone 10 arcmin"].append(page_timed(cone, "page: cone 10 arcmin"))
            page_times["page: cone around a name (M31, 0.25 deg)"].append(
                page_timed({"cone_name": "M31"}, "page: cone around a name (M31, 0.25 deg)")
            )
            page_times["page: everything visible, first page"].append(
                page_timed({}, "page: everything visible, first page")
            )

        def report(name: str, times: list[float], counts: list[int]) -> None:
            ms = sorted(1000 * t for t in times)
            median, p90 = statistics.median(ms), ms[int(0.9 * len(ms)) - 1]
            matches = statistics.median(counts)
            print(f"{name}: median {median:.1f} ms, p90 {p90:.1f} ms, max {ms[-1]:.1f} ms; "
                  f"matches per query: median {matches:.0f}")  # fmt: skip

        print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
              f"Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}, "
              f"{datetime.now(tz=UTC):%Y-%m-%d %H:%M} UTC")  # fmt: skip
        report("GET frames/?start=&end=(7 d)&proposal_id=", window_times, window_counts)
        report("cone search, radius 10 arcmin", cone_times, cone_counts)
        for name, times in page_times.items():
            ms = sorted(1000 * t for t in times)
            cpu_ms = 1000 * statistics.median(page_cpu[name])
            print(f"{name}: median {statistics.median(ms):.1f} ms wall "
                  f"(CPU of this process {cpu_ms:.1f} ms; PostgreSQL's not counted), "
                  f"p90 {ms[int(0.9 * len(ms)) - 1]:.1f} ms, max {ms[-1]:.1f} ms")  # fmt: skip
        from django.db import connections

        connections.close_all()
    finally:
        if not args.keep:
            recreate(drop_only=True)


if __name__ == "__main__":
    main()
