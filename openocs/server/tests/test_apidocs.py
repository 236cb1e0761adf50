from pathlib import Path

from openocs.server.apidocs import write_reference


def test_writes_a_schema_and_a_route_table_for_every_component(tmp_path: Path) -> None:
    written = write_reference(tmp_path)
    names = {path.name for path in written}
    for component in ["portal", "configdb", "downtime", "archive"]:
        assert f"{component}.yaml" in names
        assert f"{component}.md" in names
    assert (tmp_path / "configdb.yaml").read_text().startswith("openapi: 3")
    assert "| method | path | summary |" in (tmp_path / "downtime.md").read_text()
    assert "[configdb](configdb.md)" in (tmp_path / "index.md").read_text()
