"""ml-expert: an MCP server that gives LLM agents the hands of an ML engineer."""

__version__ = "0.1.0"
