"""The ML work of ml-expert, callable without MCP: ``result = tool(spec, job)``.

Nothing here imports torch at module level; each tool imports it inside the function
that runs in a worker process.
"""
