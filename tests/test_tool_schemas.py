"""Tool schemas are written for the model that reads them: every input field says what it is."""

import pytest

from ml_expert.catalog import CATALOG


def undescribed_fields(schema: dict) -> set[str]:
    definitions = schema.get("$defs", {})
    missing: set[str] = set()

    def described(prop: dict) -> bool:
        return "description" in prop or ("$ref" in prop and "description" in definitions[prop["$ref"].split("/")[-1]])

    def walk(node: dict, path: str, seen: frozenset) -> None:
        if "$ref" in node:
            name = node["$ref"].split("/")[-1]
            if name not in seen:
                walk(definitions[name], path, seen | {name})
            return
        for key in ("anyOf", "oneOf", "allOf"):
            for option in node.get(key, []):
                walk(option, path, seen)
        for name, prop in node.get("properties", {}).items():
            if not described(prop):
                missing.add(f"{path}.{name}")
            walk(prop, f"{path}.{name}", seen)
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                walk(node[key], f"{path}[]", seen)

    walk(schema, "spec", frozenset())
    return missing


@pytest.mark.parametrize("entry", CATALOG, ids=lambda e: e.name)
def test_every_input_field_has_a_description(entry):
    assert undescribed_fields(entry.spec_model.model_json_schema()) == set()
    assert len(entry.description) > 80
