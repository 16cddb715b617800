"""Jobs: every tool call runs in a worker process, supervised by the job manager."""
