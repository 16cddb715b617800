"""Mistakes an agent can make reach it as a ToolError naming the field and what would be accepted."""

import pytest
from mcp import Client

from ml_expert.app import build_server

pytestmark = pytest.mark.anyio


async def audit(client, source, **split):
    data = {"source": source, **({"split": split} if split else {})}
    return await client.call_tool("audit_data", {"spec": {"data": data}})


async def test_data_mistakes_name_the_field_and_the_fix(config, data_root, tmp_path):
    (data_root / "houses.csv").write_text("rooms,price\n3,100\n4,150\n2,90\n")
    outside = tmp_path / "secret.csv"
    outside.write_text("a,b\n1,2\n")
    (data_root / "link.csv").symlink_to(outside)
    async with Client(build_server(config), mode="legacy") as client:
        cases = [
            (audit(client, {"kind": "bundled", "name": "mnist"}), "data.source.bundled.name"),
            (audit(client, {"kind": "file", "path": "missing.csv", "target": "y"}), "data.source.path: 'missing.csv' does not exist"),
            (audit(client, {"kind": "file", "path": "../secret.csv", "target": "b"}), "data.source.path: '../secret.csv' is outside the server's roots"),
            (audit(client, {"kind": "file", "path": str(outside), "target": "b"}), "is outside the server's roots"),
            (audit(client, {"kind": "file", "path": "link.csv", "target": "b"}), "data.source.path: 'link.csv' is outside the server's roots"),
            (audit(client, {"kind": "file", "path": "houses.csv", "target": "cost"}), "data.source.target"),
            (audit(client, {"kind": "bundled", "name": "iris"}, val_fraction=0.5, test_fraction=0.45), "val_fraction + test_fraction must be below 0.9"),
        ]
        for call, expected in cases:
            result = await call
            assert result.is_error, expected
            assert expected in result.content[0].text, result.content[0].text
        assert "accepted:" in (await audit(client, {"kind": "file", "path": "houses.csv", "target": "cost"})
                               ).content[0].text
