"""MCPServer with what agents and clients need from this one: a compact tool list, artifacts served
with their MIME types, and prompt and resource mistakes answered as invalid params (-32602)."""

from __future__ import annotations

from typing import Any

from mcp.server.lowlevel.helper_types import ReadResourceContents
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS, GetPromptResult
from mcp.types import Tool as MCPTool
from pydantic import ValidationError

from ml_expert.answers import mime_type
from ml_expert.schemas import INPUT_BUDGET_BYTES, compact_input, compact_output
from ml_expert.tools.envelope import ToolResult
from ml_expert.tools.errors import SpecError
from ml_expert.tools.spec import ToolSpec

SHARED_FIELDS = tuple(ToolSpec.model_fields)
ENVELOPE = frozenset(ToolResult.model_fields)
ARTIFACT_URI = "/artifacts/"
MAX_ERRORS = 5
LIST_BUDGET_BYTES = 23_000  # the whole tools/list, leaving room under the 24 KB an agent is promised
MIN_INPUT_BUDGET_BYTES = 500
BUDGET_STEP_BYTES = 100


class MLExpertServer(MCPServer):
    _listed: tuple[tuple[str, ...], list[MCPTool]] | None = None

    async def list_tools(self) -> list[MCPTool]:
        """Each tool with its compact schemas (the full ones are the resources schemas://{tool}).

        Built on the first listing, not at start-up, and again only if the tools change.
        """
        tools = await super().list_tools()
        names = tuple(tool.name for tool in tools)
        if self._listed is None or self._listed[0] != names:
            self._listed = (names, _fitted(tools))
        return self._listed[1]

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Context | None = None) -> Any:
        """Refuse arguments the tool does not take (the SDK would drop them silently)."""
        tool = self._tool_manager.get_tool(name)
        if tool is not None:
            accepted = list(tool.fn_metadata.arg_model.model_fields)
            unknown = sorted(set(arguments) - set(accepted))
            if unknown:
                raise ToolError(f"{', '.join(unknown)}: not an argument of {name}; accepted: {', '.join(accepted)}")
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as error:
            if isinstance(error.__cause__, ValidationError):
                raise ToolError(f"Invalid arguments for {name}: {concise(error.__cause__)}") from error.__cause__
            raise

    async def read_resource(self, uri: Any, context: Context | None = None) -> Any:
        contents = await super().read_resource(uri, context)
        if ARTIFACT_URI not in str(uri) or not isinstance(contents, list):
            return contents
        return [ReadResourceContents(content=item.content, mime_type=mime_type(str(uri)), meta=item.meta)
                for item in contents]

    async def get_prompt(self, name: str, arguments: dict[str, Any] | None = None,
                         context: Context | None = None) -> GetPromptResult:
        prompt = self._prompt_manager.get_prompt(name)
        if prompt is None:
            known = ", ".join(p.name for p in self._prompt_manager.list_prompts())
            raise MCPError(INVALID_PARAMS, f"name: no prompt '{name}'; accepted: {known}")
        missing = [a.name for a in prompt.arguments or [] if a.required and not (arguments or {}).get(a.name)]
        if missing:
            raise MCPError(INVALID_PARAMS, f"prompt '{name}' needs the argument(s) {', '.join(missing)}")
        return await super().get_prompt(name, arguments, context)


def concise(error: ValidationError) -> str:
    """pydantic's errors as 'field: problem' lines, without the input echoed back or the docs links;
    a SpecError raised by a validator keeps its own 'field: problem; accepted: ...' form."""
    lines = []
    for item in error.errors()[:MAX_ERRORS]:
        cause = (item.get("ctx") or {}).get("error")
        field = ".".join(str(part) for part in item["loc"])
        lines.append(str(cause) if isinstance(cause, SpecError) else f"{field}: {item['msg']}")
    if error.error_count() > MAX_ERRORS:
        lines.append(f"(and {error.error_count() - MAX_ERRORS} more)")
    return "\n".join(lines)


def _fitted(tools: list[MCPTool]) -> list[MCPTool]:
    """The tools with the largest per-tool input budget at which the whole list fits its budget."""
    for budget in range(INPUT_BUDGET_BYTES, MIN_INPUT_BUDGET_BYTES - 1, -BUDGET_STEP_BYTES):
        compact = [_compact_tool(tool, budget) for tool in tools]
        if sum(len(tool.model_dump_json(by_alias=True, exclude_none=True)) for tool in compact) <= LIST_BUDGET_BYTES:
            break
    return compact


def _compact_tool(tool: MCPTool, budget: int = INPUT_BUDGET_BYTES) -> MCPTool:
    # The fields every spec shares are named once, in the spec's description, not described in every tool.
    input_schema = {**compact_input(tool.input_schema, budget, shared=SHARED_FIELDS), "additionalProperties": False}
    spec = input_schema["properties"].get("spec")
    if spec is not None:
        # The tool's description says what the spec is for; this says where its every field is.
        spec["description"] = f"Also {', '.join(SHARED_FIELDS)}. All fields: schemas://{tool.name}"
    envelope = ENVELOPE if spec is not None else None
    output_schema = compact_output(tool.output_schema, envelope) if tool.output_schema else None
    return tool.model_copy(update={"input_schema": input_schema, "output_schema": output_schema})
