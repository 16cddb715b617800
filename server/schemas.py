"""The schemas agents read in `tools/list`, kept small.

pydantic's schemas repeat every nested model in every tool (the model families appear in four),
carry generated `title` keys and describe each result model in full: 221 KB for eleven tools.
What an agent needs up front is the top levels of each spec, described, with the nested models
summarised; the full input schema stays one read away as the resource ``schemas://{tool}``.
Validation does not depend on any of this: the server validates every call with the pydantic
models themselves, so unknown fields and bad values are still refused and named.
"""

from __future__ import annotations

import json
import re
from typing import Any

INPUT_BUDGET_BYTES = 2_000  # per tool at most; lowered until the whole list fits (ml_server)
MAX_DEPTH = 6
# Tried in order until the schema fits: (description limit in characters, keep bounds). None keeps
# whole descriptions, 0 their first sentence. Bounds go before words: the server names them in errors.
LADDER = ((None, True), (0, True), (0, False), (120, False), (90, False), (60, False), (40, False), (25, False))
TYPE_KEYS = ("type", "enum", "const", "default", "format")
BOUND_KEYS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern",
              "minItems", "maxItems")
SCALAR_TYPES = ("string", "number", "integer", "boolean")
SENTENCE_END = re.compile(r"(?<=[.;])\s+(?=[A-Z'`])")


def size(schema: dict[str, Any]) -> int:
    return len(json.dumps(schema, separators=(",", ":")))


def full_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema without pydantic's `title` keys, for the schemas:// resources."""
    if isinstance(schema, list):
        return [full_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    return {key: (value if key in ("enum", "const", "default", "required") else
                  {k: full_schema(v) for k, v in value.items()} if key in ("properties", "$defs", "mapping") else
                  full_schema(value))
            for key, value in schema.items() if key != "title"}


def compact_input(schema: dict[str, Any], budget: int = INPUT_BUDGET_BYTES,
                  shared: tuple[str, ...] = ()) -> dict[str, Any]:
    """The richest form of a tool's input schema within ``budget`` bytes.

    Whole descriptions come first, then depth (nested models expanded rather than summarised);
    where even the top levels do not fit, descriptions are cut to their first sentence and then
    shorter. The spec and its own fields are always shown, except the ``shared`` ones every spec
    has, which the caller names once.
    """
    defs = schema.get("$defs", {})
    for limit, bounds in LADDER:
        fitting = None
        for depth in range(2, MAX_DEPTH + 1):  # sizes grow with depth: stop at the first that does not fit
            compact = _Compactor(defs, depth, limit, bounds, shared).node(schema)
            if size(compact) > budget:
                break
            fitting = compact
        if fitting is not None:
            return fitting
    return _Compactor(defs, 2, *LADDER[-1], shared).node(schema)


def compact_output(schema: dict[str, Any], envelope: frozenset[str] | None = None) -> dict[str, Any]:
    """The result's top-level fields, with their type where it is a plain scalar.

    With ``envelope`` (the fields every tool result has), those are all named and of the rest only
    the scalar ones, the key numbers; the others arrive all the same. Clients validate structured
    content against this, so it claims only what always holds: a field that may be null is left
    open, and extra fields are allowed. Every field is in schemas://{tool}.
    """
    defs = schema.get("$defs", {})
    properties = {name: _scalar(prop, defs) for name, prop in schema.get("properties", {}).items()}
    return {"type": "object", "properties": {name: kept for name, kept in properties.items()
                                             if envelope is None or name in envelope or kept}}


def _scalar(prop: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in prop:
        prop = defs[prop["$ref"].split("/")[-1]]
    if prop.get("type") in SCALAR_TYPES:
        return {"type": prop["type"]}
    return {}


def _shorten(text: str, limit: int | None) -> str:
    """``text`` whole (no limit), its first sentence (0), or that sentence cut at a word to ``limit``."""
    if limit is None:
        return text
    first = SENTENCE_END.split(text, maxsplit=1)[0]
    if not limit or len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0].rstrip(",;:(") + "…"


class _Compactor:
    """Expands models down to ``depth`` levels; deeper ones become a described stub."""

    def __init__(self, defs: dict[str, Any], depth: int, description_limit: int | None = None, bounds: bool = True,
                 shared: tuple[str, ...] = ()):
        self.defs = defs
        self.shared = shared
        self.depth = depth
        self.description_limit = description_limit
        self.kept_keys = TYPE_KEYS + (BOUND_KEYS if bounds else ())

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        """Follow `$ref`s and drop the null branch of optional fields (leaving the field out is the same)."""
        while "$ref" in node:
            target = self.defs[node["$ref"].split("/")[-1]]
            node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        options = node.get("anyOf")
        if options and any(o == {"type": "null"} for o in options):
            rest = [o for o in options if o != {"type": "null"}]
            outer = {k: v for k, v in node.items() if k != "anyOf" and not (k == "default" and v is None)}
            inner = self.resolve(rest[0]) if len(rest) == 1 else {"anyOf": rest}
            node = {**inner, **outer}
        return node

    def node(self, node: dict[str, Any], level: int = 0) -> dict[str, Any]:
        node = self.resolve(node)
        out = {key: node[key] for key in self.kept_keys if key in node}
        if "description" in node:
            out["description"] = _shorten(node["description"], self.description_limit)
        variants = node.get("oneOf") or node.get("anyOf")
        if variants:
            return self._union(node, out, variants, level)
        if "properties" in node:
            if level >= self.depth:
                return self._stub(out, node)
            out["type"] = "object"
            out["properties"] = {name: self.node(prop, level + 1) for name, prop in node["properties"].items()
                                 if not (level == 1 and name in self.shared)}
            if node.get("required"):
                out["required"] = node["required"]
            if node.get("additionalProperties") is False:
                out["additionalProperties"] = False
            return out
        if isinstance(node.get("items"), dict):
            out["items"] = self.node(node["items"], level)
        if isinstance(node.get("additionalProperties"), dict):
            out["additionalProperties"] = self.node(node["additionalProperties"], level)
        return out

    def _union(self, node, out, variants, level):
        branches = [self.resolve(v) for v in variants]
        if not all("properties" in b or "oneOf" in b or "anyOf" in b for b in branches):
            out["anyOf"] = [self.node(v, level) for v in variants]
            return out
        if level >= self.depth:
            return self._stub(out, node)
        out["oneOf"] = [self.node(v, level) for v in variants]
        return out

    def _stub(self, out: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
        """A nested model in one line: its description, and the discriminator an agent must pick."""
        out["type"] = "object"
        if "description" not in out:
            out["description"] = _shorten(self._description(node), self.description_limit)
        kinds = self._discriminator(node)
        if kinds:
            name, values = kinds
            out["properties"] = {name: {"enum": values, "description": "The variant."}}
            out["required"] = [name]
        elif node.get("required"):
            out["required"] = node["required"]
        return out

    def _description(self, node: dict[str, Any]) -> str:
        branches = [self.resolve(v) for v in node.get("oneOf") or node.get("anyOf") or [node]]
        text = next((b["description"] for b in branches if b.get("description")), "A nested object.")
        return SENTENCE_END.split(text, maxsplit=1)[0]

    def _discriminator(self, node: dict[str, Any]) -> tuple[str, list[str]] | None:
        if "properties" in node:
            consts = [(k, self.resolve(p)["const"]) for k, p in node["properties"].items() if "const" in self.resolve(p)]
            return (consts[0][0], [consts[0][1]]) if consts else None
        name = (node.get("discriminator") or {}).get("propertyName")
        mapping = (node.get("discriminator") or {}).get("mapping")
        if name and mapping:
            return name, list(mapping)
        return None
