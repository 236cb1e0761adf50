"""Generate the API reference from the OpenAPI schema of every component.

``python -m openocs.server.apidocs docs/reference/api`` (``make docs``) writes, per component,
``<component>.yaml`` (the OpenAPI 3 schema) and ``<component>.md`` (a route table: method, path,
summary), plus an ``index.md``. The schema is the single source: the pages are never edited by
hand.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

_METHODS = ("get", "post", "put", "patch", "delete")


def component_schema(name: str) -> dict[str, Any]:
    """The OpenAPI schema of one component, with paths relative to its mount point."""
    from drf_spectacular.generators import SchemaGenerator

    from openocs.server.components import COMPONENTS

    component = COMPONENTS[name]
    generator = SchemaGenerator(  # type: ignore[no-untyped-call]
        urlconf=f"{component.package}.urls", title=component.title
    )
    schema: dict[str, Any] = generator.get_schema(  # type: ignore[no-untyped-call]
        request=None, public=True
    )
    return schema


def route_table(name: str, schema: dict[str, Any]) -> str:
    """A markdown page listing every route of a component."""
    from openocs.server.components import COMPONENTS
    from openocs.web.descriptions import summary

    component = COMPONENTS[name]
    lines = [
        f"# {component.title} API",
        "",
        "Generated from the OpenAPI schema by `make docs`; do not edit by hand.",
        f"Co-hosted mount point: `/{component.cohosted_prefix}`; alone: `/`.",
        f"Full schema: [{name}.yaml]({name}.yaml).",
        "",
        "| method | path | summary |",
        "|---|---|---|",
    ]
    for path, operations in sorted(schema.get("paths", {}).items()):
        for method in _METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            text = summary(operation.get("summary") or operation.get("description", ""))
            lines.append(f"| {method.upper()} | `{path}` | {text.replace('|', '/')} |")
    return "\n".join(lines) + "\n"


def write_reference(target: Path) -> list[Path]:
    """Write the schema and route table of every enabled component into ``target``."""
    from django.conf import settings
    from drf_spectacular.renderers import OpenApiYamlRenderer

    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    index = ["# API reference", "", "Generated from the OpenAPI schemas by `make docs`.", ""]
    for name in settings.OCS_COMPONENTS:
        schema = component_schema(name)
        yaml_path = target / f"{name}.yaml"
        rendered = OpenApiYamlRenderer().render(schema, renderer_context={})  # type: ignore[no-untyped-call]
        yaml_path.write_bytes(rendered)
        md_path = target / f"{name}.md"
        md_path.write_text(route_table(name, schema), encoding="utf-8")
        written += [yaml_path, md_path]
        index.append(f"- [{name}]({name}.md): {len(schema.get('paths', {}))} paths")
    index_path = target / "index.md"
    index_path.write_text("\n".join(index) + "\n", encoding="utf-8")
    written.append(index_path)
    return written


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openocs.server.settings")
    import django

    django.setup()
    target = Path(argv[1] if len(argv) > 1 else "docs/reference/api")
    for path in write_reference(target):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
