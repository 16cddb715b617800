"""Tool schemas are written for the model that reads them: every input field says what it is, and the
whole tool list stays small enough that an agent can afford it in every session (issue 15)."""

import json

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS

from ml_expert.app import build_server
from ml_expert.catalog import CATALOG
from ml_expert.schemas import compact_input, full_schema

pytestmark = pytest.mark.anyio
LIST_LIMIT_BYTES = 24_000
ML_TOOL_LIMIT_BYTES = 5_000
LIFECYCLE = {"get_job", "wait_job", "cancel_job", "list_jobs", "list_runs", "get_run"}


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


def schema_keywords(node) -> set[str]:
    """The keywords used anywhere in a schema (property names are not keywords)."""
    if isinstance(node, list):
        return set().union(*map(schema_keywords, node)) if node else set()
    if not isinstance(node, dict):
        return set()
    found = set(node)
    for key, value in node.items():
        if key in ("properties", "$defs"):
            found |= set().union(*map(schema_keywords, value.values())) if value else set()
        elif key not in ("enum", "const", "default", "required"):
            found |= schema_keywords(value)
    return found


def wire(tool) -> dict:
    return tool.model_dump(mode="json", by_alias=True, exclude_none=True)


def nbytes(value) -> int:
    return len(json.dumps(value, separators=(",", ":")))


@pytest.fixture
async def listed(config):
    async with Client(build_server(config), mode="legacy") as client:
        yield {tool.name: wire(tool) for tool in (await client.list_tools()).tools}


@pytest.mark.parametrize("entry", CATALOG, ids=lambda e: e.name)
def test_every_input_field_has_a_description(entry):
    assert undescribed_fields(entry.spec_model.model_json_schema()) == set()
    assert len(entry.description) > 80


async def test_the_whole_tool_list_fits_in_24_kb_and_each_ml_tool_in_5_kb(listed):
    assert set(listed) == {entry.name for entry in CATALOG} | LIFECYCLE
    sizes = {name: nbytes(tool) for name, tool in listed.items()}
    assert nbytes({"tools": list(listed.values())}) <= LIST_LIMIT_BYTES, sizes
    assert max(sizes[entry.name] for entry in CATALOG) <= ML_TOOL_LIMIT_BYTES, sizes
    for tool in listed.values():
        assert "title" not in schema_keywords(tool["inputSchema"]) | schema_keywords(tool.get("outputSchema", {}))


async def test_every_listed_input_field_is_described_and_unknown_ones_are_refused(listed):
    for name, tool in listed.items():
        assert undescribed_fields(tool["inputSchema"]) == set(), name
        assert tool["inputSchema"]["additionalProperties"] is False, name
    for entry in CATALOG:
        spec = listed[entry.name]["inputSchema"]["properties"]["spec"]
        assert spec["additionalProperties"] is False
        assert f"schemas://{entry.name}" in spec["description"]
        # Every field of the spec itself is shown, except the two every spec shares (named once).
        assert set(spec["properties"]) == set(entry.spec_model.model_fields) - {"seed", "tracking"}


async def test_ml_tools_are_annotated_truthfully_and_the_lifecycle_tools_described(listed):
    for entry in CATALOG:
        assert listed[entry.name]["annotations"] == {"readOnlyHint": False, "destructiveHint": False,
                                                     "idempotentHint": False, "openWorldHint": False}
    for name in LIFECYCLE - {"cancel_job"}:
        assert listed[name]["annotations"]["readOnlyHint"] is True
    assert listed["cancel_job"]["annotations"]["destructiveHint"] is True
    assert listed["list_jobs"]["inputSchema"]["properties"]["status"]["enum"] == [
        "queued", "running", "succeeded", "failed", "cancelled", "interrupted"]


async def test_the_full_schema_is_one_resource_read_away(config):
    async with Client(build_server(config), mode="legacy") as client:
        read = await client.read_resource("schemas://tune_hyperparams")
        with pytest.raises(MCPError) as missing:
            await client.read_resource("schemas://no_such_tool")
    assert missing.value.code == INVALID_PARAMS and "accepted: audit_data" in missing.value.message
    content = read.contents[0]
    assert content.mime_type == "application/json"
    full = json.loads(content.text)
    entry = next(e for e in CATALOG if e.name == "tune_hyperparams")
    assert full["input"] == full_schema(entry.spec_model.model_json_schema())
    assert "title" not in schema_keywords(full["input"]) | schema_keywords(full["output"])
    assert "CategoricalParam" in full["input"]["$defs"]  # nested models, summarised in the list, are here


def test_compaction_keeps_the_richest_form_that_fits_and_always_the_top_level():
    entry = next(e for e in CATALOG if e.name == "implement_architecture")
    schema = {"type": "object", "properties": {"spec": {"$ref": f"#/$defs/{entry.spec_model.__name__}"}},
              "$defs": {**entry.spec_model.model_json_schema()["$defs"],
                        entry.spec_model.__name__: {k: v for k, v in entry.spec_model.model_json_schema().items()
                                                    if k != "$defs"}}}
    roomy, tight = compact_input(schema, budget=10**6), compact_input(schema, budget=100)
    assert nbytes(tight) < nbytes(roomy)
    families = roomy["properties"]["spec"]["properties"]["model"]
    assert "oneOf" in families  # expanded when there is room
    stub = tight["properties"]["spec"]["properties"]["model"]
    assert stub["properties"]["kind"]["enum"] == ["builtin", "code", "run"] and stub["required"] == ["kind"]
    assert set(tight["properties"]["spec"]["properties"]) == set(entry.spec_model.model_fields)
