"""Through the server: train, export (draft) and check drift in worker processes; every package file
is a run artifact with its sha256, served as a resource with the MIME type of its suffix."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest
from mcp import Client

from ml_expert.app import build_server
from tests.test_preprocess import unscaled_wine_csv

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


async def call(client, tool: str, spec: dict) -> dict:
    result = await client.call_tool(tool, {"spec": spec, "wait_s": 600})
    assert not result.is_error, result.content[0].text
    return result.structured_content


async def test_the_package_and_the_drift_report_are_served_with_their_mime_types(config, data_root):
    csv = unscaled_wine_csv(data_root)
    shifted = pd.read_csv(csv)
    shifted["hue"] += 3 * shifted["hue"].std()
    shifted.drop(columns="target").to_csv(data_root / "batch.csv", index=False)
    async with Client(build_server(config), mode="legacy") as client:
        trained = await call(client, "train_model", {
            "model": {"kind": "builtin", "family": "mlp", "width": 16},
            "data": {"source": {"kind": "file", "path": csv.name, "target": "target"}}, "training": {"epochs": 5}})
        exported = await call(client, "export_model", {"run_id": trained["run_id"], "draft": True})
        drift = await call(client, "check_drift", {"batch": "batch.csv", "run_id": exported["run_id"]})
        run = (await client.call_tool("get_run", {"run_id": exported["run_id"]})).structured_content
        served = {}
        for name in ("README.md", "package.json", "model.onnx", "model.pt2", "drift_reference_rows.npz"):
            served[name] = (await client.read_resource(f"runs://{exported['run_id']}/artifacts/{name}")).contents[0]
        plot = (await client.read_resource(f"runs://{drift['run_id']}/artifacts/drift_features.png")).contents[0]
    assert drift["drifted_features"] == ["hue"] and drift["recommendation"] != "fine"
    stored = {a["name"]: a for a in run["artifacts"]}
    assert set(exported["package"]) <= set(stored)
    for name in exported["package"]:
        with open(stored[name]["path"], "rb") as handle:
            assert stored[name]["sha256"] == hashlib.sha256(handle.read()).hexdigest()
    assert served["README.md"].mime_type == "text/markdown" and served["README.md"].text.startswith("---\n")
    assert served["package.json"].mime_type == "application/json"
    assert {served[n].mime_type for n in ("model.onnx", "model.pt2", "drift_reference_rows.npz")} == {
        "application/octet-stream"}
    assert plot.mime_type == "image/png"
