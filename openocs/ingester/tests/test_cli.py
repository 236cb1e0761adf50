"""``ocs ingest``: outputs and exit codes (spec §9.10, acceptance 23)."""

from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner, Result

from openocs.ingester.cli import ingest_command
from openocs.ingester.tests.conftest import FITS_DIR, FULL_FRAME


@pytest.fixture
def run(archive_server, tmp_path, monkeypatch):
    monkeypatch.setenv("FILESTORE_TYPE", "local")
    monkeypatch.setenv("FILESYSTEM_STORAGE_ROOT_DIR", str(tmp_path / "store"))
    monkeypatch.delenv("API_ROOT", raising=False)
    monkeypatch.delenv("AUTH_TOKEN", raising=False)

    def invoke(*args: str) -> Result:
        runner = CliRunner()
        return runner.invoke(
            ingest_command, ["--api-root", archive_server, "--auth-token", "t", *args]
        )

    return invoke


def test_ingest_prints_the_url_and_exits_0(run, fake_archive, tmp_path):
    result = run(str(FULL_FRAME))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"http://files/{next(iter(fake_archive.md5s))}"
    stored = list((tmp_path / "store").rglob("*.fits.fz"))
    assert [p.read_bytes() == FULL_FRAME.read_bytes() for p in stored] == [True]


def test_duplicate_prints_the_message_and_exits_0(run):
    run(str(FULL_FRAME))
    result = run(str(FULL_FRAME))
    assert result.exit_code == 0
    assert result.output.strip() == "Version with this md5 already exists"


def test_check_only_prints_true_or_false(run):
    absent = run("--check-only", str(FULL_FRAME))
    assert (absent.exit_code, absent.output.strip()) == (1, "False")
    run(str(FULL_FRAME))
    present = run("--check-only", str(FULL_FRAME))
    assert (present.exit_code, present.output.strip()) == (0, "True")


def test_error_prints_exception_uploading_file_and_exits_1(run, tmp_path):
    bad = tmp_path / "x.txt"
    bad.write_text("x")
    result = run(str(bad))
    assert result.exit_code == 1
    assert result.output.startswith("Exception uploading file: file extension .txt")


def test_directory_with_many_files_ingests_in_parallel_with_a_summary(run, fake_archive):
    result = run("--workers", "2", str(FITS_DIR))
    assert result.exit_code == 0, result.output
    assert len(fake_archive.frames) == 8
    assert "Summary: 8 files: 8 ok" in result.output


def test_dry_run_uploads_nothing(run, fake_archive, tmp_path):
    result = run("--dry-run", str(FULL_FRAME))
    assert result.exit_code == 0
    assert '"basename": "ogg2m001-ep02-20210708-0132-e00"' in result.output
    assert fake_archive.frames == []
    assert not (tmp_path / "store").exists()


def test_unreachable_archive_exits_1(tmp_path, monkeypatch):
    monkeypatch.setenv("FILESYSTEM_STORAGE_ROOT_DIR", str(tmp_path / "store"))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = CliRunner().invoke(
        ingest_command,
        ["--api-root", f"http://127.0.0.1:{port}/", "--retry-deadline", "0", str(FULL_FRAME)],
    )
    assert result.exit_code == 1
    assert result.output.startswith("Exception uploading file: Archive unavailable")


def test_bucket_option_uploads_to_that_bucket(run, monkeypatch, fake_archive):
    """D23: ``--bucket`` is honoured (the reference crashes)."""
    import boto3
    from moto.server import ThreadedMotoServer

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        s3 = boto3.client(
            "s3", endpoint_url=endpoint, region_name="us-east-1",
            aws_access_key_id="a", aws_secret_access_key="b",
        )  # fmt: skip
        for bucket in ("configured", "night-2021"):
            s3.create_bucket(Bucket=bucket)
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        monkeypatch.setenv("FILESTORE_TYPE", "s3")
        monkeypatch.setenv("BUCKET", "configured")
        monkeypatch.setenv("S3_ENDPOINT_URL", endpoint)
        monkeypatch.setenv("S3_ADDRESSING_STYLE", "path")
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "a")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "b")
        result = run("--bucket", "night-2021", str(FULL_FRAME))
        assert result.exit_code == 0, result.output
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket="night-2021").get("Contents", [])]
        assert keys == ["ogg/ep02/20210708/raw/ogg2m001-ep02-20210708-0132-e00.fits.fz"]
        assert s3.list_objects_v2(Bucket="configured").get("KeyCount") == 0
        version = fake_archive.frames[0]["version_set"][0]
        assert version["key"] != version["md5"]  # the S3 version id
    finally:
        server.stop()
