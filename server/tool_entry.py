"""One entry of the tool catalog."""

from __future__ import annotations

from dataclasses import dataclass, field

from mcp.types import ToolAnnotations

from ml_expert.tools.envelope import ToolResult
from ml_expert.tools.spec import ToolSpec

# Every ML tool records a new run in the workspace (so it is neither read-only nor idempotent), never
# changes or deletes the user's files, and reaches nothing outside this machine.
ML_TOOL = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False)


@dataclass(frozen=True)
class ToolEntry:
    name: str
    title: str
    description: str
    spec_model: type[ToolSpec]
    result_model: type[ToolResult]
    function: str  # "package.module:function", imported only inside the worker process
    annotations: ToolAnnotations = field(default_factory=lambda: ML_TOOL)

    @property
    def spec_path(self) -> str:
        return f"{self.spec_model.__module__}:{self.spec_model.__qualname__}"
