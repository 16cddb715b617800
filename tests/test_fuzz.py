"""Seeded, bounded fuzzing of every tool through an in-process client: specs generated from each
tool's input schema, then mutated (wrong types, missing and unknown fields, huge numbers, bad paths,
NUL bytes). Every answer is a valid result or a clean tool error that names a field; the server
answers ping after every batch."""

import copy
import json
import random
import re
from pathlib import Path

import pytest
from mcp import Client

from ml_expert.app import build_server
from ml_expert.config import ServerConfig

pytestmark = [pytest.mark.anyio, pytest.mark.filterwarnings("ignore::mcp.shared.exceptions.MCPDeprecationWarning")]
SEED = 20261201
CALLS_PER_TOOL = 24
QUICK_S = 0.05  # wait_s and timeout_s of generated calls: answers come from validation, jobs get cancelled
HOSTILE = [None, True, False, -1, 0, 2**63, -(2**63), 1e308, -1e308, 0.5, "", "x" * 5000, "a\x00b", "../../etc/passwd",
           "/etc/passwd", "/dev/zero", "runs/../../x", "🙂" * 50, [], [1, "a", None], {}, {"zzz_unknown": 1}]
STRINGS = ["iris", "wine", "digits", "x", "data.csv", "model.py:build", "run-0", "0" * 12, "label", "accuracy"]
CLEAN_ERROR_BREAKERS = ("Internal error", "Traceback", "Exception Group", 'File "/')
# Specs every tool accepts as they are (the agent skill's templates): mutating them reaches deeper fields.
TEMPLATES = Path(__file__).resolve().parents[1] / "skill" / "templates"


def template_seeds(tool: str) -> list[dict]:
    return [{"spec": json.loads(path.read_text()), "wait_s": QUICK_S}
            for path in sorted(TEMPLATES.glob(f"{tool}.*.json"))]


class SchemaFuzzer:
    def __init__(self, schema: dict, rng: random.Random):
        self.defs = schema.get("$defs", {})
        self.rng = rng

    def resolve(self, schema: dict) -> dict:
        while "$ref" in schema:
            schema = self.defs[schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    def value(self, schema: dict, name: str = "", depth: int = 0):
        schema, rng = self.resolve(schema), self.rng
        if name in ("wait_s", "timeout_s"):
            return QUICK_S
        if "const" in schema:
            return schema["const"]
        if "enum" in schema:
            return rng.choice(schema["enum"])
        for key in ("anyOf", "oneOf"):
            if key in schema:
                return self.value(rng.choice(schema[key]), name, depth)
        kind = schema.get("type", "object")
        kind = rng.choice(kind) if isinstance(kind, list) else kind
        if "default" in schema and rng.random() < 0.3:
            return copy.deepcopy(schema["default"])
        if kind == "object":
            properties = schema.get("properties", {})
            required = set(schema.get("required", []))
            chosen = [p for p in properties if p in required or (depth < 4 and rng.random() < 0.4)]
            return {p: self.value(properties[p], p, depth + 1) for p in chosen}
        if kind == "array":
            low = schema.get("minItems", 0)
            count = rng.randint(low, max(low, min(schema.get("maxItems", 3), 3)))
            return [self.value(schema.get("items", {}), name, depth + 1) for _ in range(count)]
        if kind == "integer":
            low, high = schema.get("minimum", -5), schema.get("maximum", 1000)
            return rng.randint(int(low), int(min(high, low + 1000)))
        if kind == "number":
            low, high = schema.get("minimum", 0.0), schema.get("maximum", 10.0)
            return rng.uniform(low, min(high, low + 10.0))
        if kind == "boolean":
            return rng.random() < 0.5
        if kind == "null":
            return None
        return rng.choice(STRINGS)

    def mutate(self, arguments: dict) -> dict:
        """One hostile change at a random place: a value replaced, a field dropped or an unknown one added."""
        arguments, rng = copy.deepcopy(arguments), self.rng
        containers = [arguments]
        for container in containers:
            children = container.values() if isinstance(container, dict) else container
            containers += [c for c in children if isinstance(c, dict | list) and c]
        target = rng.choice(containers)
        action = rng.random()
        if isinstance(target, dict) and action < 0.2:
            target[f"zzz_unknown_{rng.randint(0, 99)}"] = rng.choice(HOSTILE)
        elif isinstance(target, dict) and action < 0.4:
            del target[rng.choice(list(target))]
        else:
            key = rng.choice(list(target)) if isinstance(target, dict) else rng.randrange(len(target))
            target[key] = rng.choice(HOSTILE)
        return arguments


def field_names(schema: dict) -> set[str]:
    """Every property name anywhere in the schema."""
    names, stack = set(), [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            names |= set(node.get("properties", {}))
            stack += list(node.values())
        elif isinstance(node, list):
            stack += node
    return names


def assert_clean(tool: str, arguments: dict, result, names: set[str]) -> None:
    shown = json.dumps(arguments, default=str)[:600]
    if not result.is_error:
        assert result.structured_content is not None, (tool, shown)
        return
    text = result.content[0].text
    assert not any(breaker in text for breaker in CLEAN_ERROR_BREAKERS), (tool, shown, text)
    assert any(name in text for name in names), (tool, shown, text)


async def test_fuzzed_calls_get_valid_results_or_field_named_errors(tmp_path, data_root):
    (data_root / "data.csv").write_text("a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n")
    config = ServerConfig(workspace=tmp_path / "ws", roots=(data_root,), workers=2, tracking="none",
                          job_time_limit_s=30, default_wait_s=QUICK_S)
    rng = random.Random(SEED)
    calls = 0
    async with Client(build_server(config), mode="legacy") as client:
        tools = sorted((await client.list_tools()).tools, key=lambda t: t.name)
        for tool in tools:
            fuzzer, names = SchemaFuzzer(tool.input_schema, rng), field_names(tool.input_schema)
            seeds = template_seeds(tool.name)
            for _ in range(CALLS_PER_TOOL):
                if seeds and rng.random() < 0.5:
                    arguments = copy.deepcopy(rng.choice(seeds))
                else:
                    arguments = fuzzer.value(tool.input_schema)
                if rng.random() < 0.8:
                    arguments = fuzzer.mutate(arguments) if arguments else {"zzz_unknown": 1}
                result = await client.call_tool(tool.name, arguments)
                calls += 1
                assert_clean(tool.name, arguments, result, names | {"spec", "wait_s"})
                answer = result.structured_content or {}
                if not result.is_error and answer.get("status") in ("queued", "running") and answer.get("job_id"):
                    await client.call_tool("cancel_job", {"job_id": answer["job_id"]})
            await client.send_ping()
    assert calls == len(tools) * CALLS_PER_TOOL >= 250


JOBS_PER_TOOL = 2  # started jobs awaited per tool in the slow run
CRASH = re.compile(r"\b[A-Z][A-Za-z]*(Error|Exception): ")


@pytest.mark.slow
async def test_fuzzed_jobs_that_start_end_in_a_result_or_a_field_named_error(tmp_path, data_root):
    """The jobs that pass the schema run to their end: a worker-side failure must name a field too."""
    (data_root / "data.csv").write_text("a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n")
    config = ServerConfig(workspace=tmp_path / "ws", roots=(data_root,), workers=2, tracking="none",
                          job_time_limit_s=120, default_wait_s=QUICK_S)
    rng = random.Random(SEED + 1)
    found, awaited = [], []
    async with Client(build_server(config), mode="legacy") as client:
        tools = sorted((await client.list_tools()).tools, key=lambda t: t.name)
        for tool in tools:
            if "wait_s" not in tool.input_schema.get("properties", {}):
                continue  # the job and run tools start no job
            fuzzer, names = SchemaFuzzer(tool.input_schema, rng), field_names(tool.input_schema)
            seeds, started = template_seeds(tool.name), []
            for _ in range(CALLS_PER_TOOL * 4):
                if len(started) == JOBS_PER_TOOL:
                    break
                arguments = copy.deepcopy(rng.choice(seeds)) if seeds else fuzzer.value(tool.input_schema)
                arguments = fuzzer.mutate(arguments) if rng.random() < 0.7 else arguments
                result = await client.call_tool(tool.name, arguments)
                if not result.is_error and (result.structured_content or {}).get("job_id"):
                    started.append((arguments, result.structured_content["job_id"]))
            for arguments, job_id in started:
                job = (await client.call_tool("wait_job", {"job_id": job_id, "timeout_s": 150})).structured_content
                awaited.append((tool.name, job["status"]))
                error = job.get("error") or ""
                clean = job["status"] == "succeeded" or (
                    not CRASH.search(error) and not any(b in error for b in CLEAN_ERROR_BREAKERS)
                    and any(name in error for name in names))
                if not clean:
                    found.append((tool.name, json.dumps(arguments, default=str)[:400], job["status"], error[:400]))
            await client.send_ping()
    assert not found, "\n".join(map(str, found))
    assert len(awaited) >= 8, awaited  # the run reached the workers
