"""Serves the prompt files in prompts/: YAML front matter (name, title, description, arguments)
above a markdown body with ``${argument}`` placeholders."""

from __future__ import annotations

from importlib import resources
from string import Template

import yaml
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.prompts.base import Prompt, PromptArgument


def load_prompts() -> list[Prompt]:
    files = sorted(f for f in resources.files("ml_expert.prompts").iterdir() if f.name.endswith(".md"))
    return [_prompt(f.name, f.read_text()) for f in files]


def add_prompts(server: MCPServer) -> None:
    for prompt in load_prompts():
        server.add_prompt(prompt)


def _prompt(filename: str, text: str) -> Prompt:
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    arguments = meta.get("arguments", [])
    defaults = {a["name"]: a.get("default", "") for a in arguments}
    template = Template(body.strip())
    unknown = set(template.get_identifiers()) - set(defaults)
    if unknown:
        raise ValueError(f"prompts/{filename} uses undeclared arguments {sorted(unknown)}")

    def render(**given: str) -> str:
        return template.substitute({**defaults, **{k: v for k, v in given.items() if v}})

    return Prompt(name=meta["name"], title=meta["title"], description=meta["description"], fn=render,
                  arguments=[PromptArgument(name=a["name"], description=a["description"],
                                            required=a.get("required", False)) for a in arguments])
