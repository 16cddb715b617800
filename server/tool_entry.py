"""One entry of the tool catalog."""

from __future__ import annotations

from dataclasses import dataclass

from ml_expert.tools.envelope import ToolResult
from ml_expert.tools.spec import ToolSpec


@dataclass(frozen=True)
class ToolEntry:
    name: str
    title: str
    description: str
    spec_model: type[ToolSpec]
    result_model: type[ToolResult]
    function: str  # "package.module:function", imported only inside the worker process

    @property
    def spec_path(self) -> str:
        return f"{self.spec_model.__module__}:{self.spec_model.__qualname__}"
