"""MCP prompts for the main workflows, one markdown file each, served by the server."""
