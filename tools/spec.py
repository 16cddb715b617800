"""Fields every tool spec shares, and the checks every spec gets."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ml_expert.tools.errors import SpecError
from ml_expert.tools.tracking import Tracking


class ToolSpec(BaseModel):
    """Base of every tool's input: unknown fields fail loudly instead of being ignored, and a JSON
    `true` is not taken for the number 1 (pydantic's lax mode would take it, in every nested model)."""

    model_config = ConfigDict(extra="forbid")

    seed: int = Field(default=0, ge=0, le=2**32 - 1, description="Seed for everything random; recorded in provenance.")
    tracking: Tracking | None = Field(default=None, description="Run tracking; default: the server's setting.")

    @model_validator(mode="before")
    @classmethod
    def _no_booleans_for_numbers(cls, data: Any) -> Any:
        paths = _booleans_for_numbers(data, _schema(cls), "")
        if paths:
            first = sorted(paths)[0]
            raise SpecError(first, f"{str(_value_at(data, first)).lower()} is a boolean", "a number")
        return data


@cache
def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema()


def _booleans_for_numbers(value: Any, node: dict[str, Any], path: str, defs: dict | None = None) -> set[str]:
    """Paths in ``value`` where a boolean stands for a number the schema asks for."""
    defs = defs if defs is not None else node.get("$defs", {})
    node = _resolve(node, defs)
    if isinstance(value, bool):
        return {path} if _numeric(node, defs) and not _accepts_bool(node, defs) else set()
    branches = node.get("anyOf") or node.get("oneOf")
    if branches:
        # Only the branches the value could be meant for: an object's discriminator (a const field) must agree.
        found = [_booleans_for_numbers(value, b, path, defs) for b in branches if _may_match(value, b, defs)]
        return set.intersection(*found) if found else set()
    if isinstance(value, dict):
        properties = node.get("properties", {})
        extra = node.get("additionalProperties")
        found_here: set[str] = set()
        for key, item in value.items():
            child = properties.get(key, extra if isinstance(extra, dict) else None)
            if child is not None:
                found_here |= _booleans_for_numbers(item, child, f"{path}.{key}" if path else str(key), defs)
        return found_here
    if isinstance(value, list) and isinstance(node.get("items"), dict):
        return set().union(*(_booleans_for_numbers(item, node["items"], f"{path}[{i}]", defs)
                             for i, item in enumerate(value)))
    return set()


def _resolve(node: dict[str, Any], defs: dict) -> dict[str, Any]:
    while "$ref" in node:
        node = defs[node["$ref"].split("/")[-1]]
    return node


def _branches(node: dict[str, Any], defs: dict) -> list[dict[str, Any]]:
    node = _resolve(node, defs)
    return [_resolve(b, defs) for b in node.get("anyOf") or node.get("oneOf") or [node]]


def _numeric(node: dict[str, Any], defs: dict) -> bool:
    return any(b.get("type") in ("integer", "number") for b in _branches(node, defs))


def _accepts_bool(node: dict[str, Any], defs: dict) -> bool:
    return any(b.get("type") == "boolean" or not (b.keys() & {"type", "const", "enum"}) for b in _branches(node, defs))


def _may_match(value: Any, branch: dict[str, Any], defs: dict) -> bool:
    branch = _resolve(branch, defs)
    if isinstance(value, dict):
        consts = {k: p["const"] for k, p in branch.get("properties", {}).items() if "const" in p}
        return all(value.get(k, c) == c for k, c in consts.items())
    return True


def _value_at(data: Any, path: str) -> Any:
    for part in path.replace("[", ".").replace("]", "").split("."):
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data
