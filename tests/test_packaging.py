"""The installed package matches the tree: every folder with an __init__.py is listed in pyproject."""

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MAPPING = {"server": "ml_expert", "tools": "ml_expert.tools", "prompts": "ml_expert.prompts"}


def test_every_sub_package_is_listed_in_pyproject():
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = set()
    for folder, package in MAPPING.items():
        for init in (REPO / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(REPO / folder).parts
            if package == "ml_expert" and relative[:1] == ("tools",):
                continue
            found.add(".".join((package, *relative)))
    assert found == listed


def test_the_docker_image_copies_every_package_folder():
    # The image cannot be built on this machine; this catches the mistake that would break it.
    mapped = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"].values())
    copied = set(re.findall(r"^COPY (\S+) \./\S+$", (REPO / "Dockerfile").read_text(), re.MULTILINE))
    assert mapped <= copied
