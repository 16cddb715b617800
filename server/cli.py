"""The ``ml-expert`` command."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from ml_expert import __version__
from ml_expert.config import MAX_SESSIONS, MEMORY_SHARE, SESSION_IDLE_TIMEOUT_S
from ml_expert.options import gibibytes, positive_int, positive_seconds, wait_seconds

TOKEN_VARIABLE = "ML_EXPERT_TOKEN"
DEFAULT_WORKSPACE = Path.home() / ".ml-expert"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="ml-expert", description="An MCP server that runs real ML jobs.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="Serve MCP over stdio (default) or streamable HTTP.")
    serve.add_argument("--workspace", type=Path, default=Path(os.environ.get("ML_EXPERT_WORKSPACE", DEFAULT_WORKSPACE)),
                       help="Folder for runs, artifacts, the database and wandb files (default: %(default)s).")
    serve.add_argument("--root", type=Path, action="append", default=[], dest="roots",
                       help="A folder whose files tools may read (repeatable). No root: no user files.")
    serve.add_argument("--workers", type=positive_int, default=os.cpu_count() or 1,
                       help="Jobs run at once; more wait in a queue (default: cores, %(default)s).")
    serve.add_argument("--job-time-limit", type=positive_seconds, default=3600.0,
                       help="Seconds before a job is stopped (default: %(default)s).")
    serve.add_argument("--job-memory-limit", type=gibibytes, metavar="GIB",
                       help=f"GiB of memory (data segment) each worker process may use; over it, the job fails "
                            f"and the server lives (default: {MEMORY_SHARE * 100:.0f}%% of this machine's memory / workers).")
    serve.add_argument("--wait", type=wait_seconds, default=20.0,
                       help="Default seconds a tool call waits before answering 'running' with a job id (0-3600; "
                            "default: %(default)s).")
    serve.add_argument("--tracking", choices=["wandb-offline", "none"], default="wandb-offline",
                       help="Default experiment tracking (wandb is never used online).")
    serve.add_argument("--http", metavar="HOST:PORT", help="Serve streamable HTTP at http://HOST:PORT/mcp.")
    serve.add_argument("--token", help=argparse.SUPPRESS)  # refused: argv shows in the process list
    serve.add_argument("--token-file", type=Path,
                       help=f"File holding the bearer token for HTTP mode (or set {TOKEN_VARIABLE}).")
    serve.add_argument("--no-auth", action="store_true",
                       help="HTTP without a token, for a single user on this machine: loopback addresses only.")
    serve.add_argument("--allowed-host", action="append", default=[],
                       help="Extra Host header value accepted in HTTP mode, e.g. mybox:8000 (repeatable).")
    serve.add_argument("--allowed-origin", action="append", default=[],
                       help="Extra Origin accepted in HTTP mode, e.g. https://app.example (repeatable).")
    serve.add_argument("--session-idle-timeout", type=positive_seconds, default=SESSION_IDLE_TIMEOUT_S,
                       help="HTTP: seconds without a request before a session is closed (default: %(default)s).")
    serve.add_argument("--max-sessions", type=positive_int, default=MAX_SESSIONS,
                       help="HTTP: open sessions at most; more are refused with 503 (default: %(default)s).")
    serve.add_argument("--executor", choices=["local", "ray"], default="local",
                       help="Where jobs run: worker processes on this machine, or tasks on a Ray cluster "
                            "(the workspace must then be a shared folder; see README 'On a cluster').")
    serve.add_argument("--ray-address", metavar="HOST:PORT",
                       help="With --executor ray: the cluster's head (default: a local Ray instance sized to "
                            "this machine).")
    demo = commands.add_parser("demo", help="Run the tools on bundled data through a real MCP client session.")
    demo.add_argument("--workspace", type=Path, default=Path("demo-workspace"),
                      help="Where the demo's runs and report go (default: %(default)s).")
    call = commands.add_parser("call", help="Call one tool from a terminal, with a progress bar.", add_help=False)
    call.add_argument("-h", "--help", action=ToolListHelp, help="Show this help and the tools, then exit.")
    call.add_argument("tool", help="Tool name, e.g. audit_data (the tools are listed below).")
    call.add_argument("--json", default="{}", dest="spec",
                      help='An ML tool\'s spec, or the arguments of a job or run tool, as JSON, e.g. '
                           '\'{"data": {"source": {"kind": "bundled", "name": "iris"}}}\' (default: %(default)s).')
    call.add_argument("--workspace", type=Path, default=Path(os.environ.get("ML_EXPERT_WORKSPACE", DEFAULT_WORKSPACE)),
                      help="The server's workspace: runs, artifacts, database (default: %(default)s).")
    call.add_argument("--root", type=Path, action="append", default=[], dest="roots",
                      help="A folder whose files the tool may read (repeatable; default: none).")
    call.add_argument("--wait", type=float, default=3600.0, help="Seconds to wait for the job (default: %(default)s).")
    call.add_argument("--raw", action="store_true", help="Print the structured result as JSON instead.")
    from ml_expert.tools.tune.worker_cli import build_parser as worker_arguments  # stdlib only: no torch

    worker_arguments(commands.add_parser("worker", help="Join a tune_hyperparams study and run its trials."))
    from ml_expert.drift_command import add_parser as drift_arguments  # stdlib only: no torch

    drift_arguments(commands, DEFAULT_WORKSPACE)
    args = parser.parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    if args.command == "worker":
        from ml_expert.tools.tune.worker_cli import run as run_worker

        run_worker(args)
    elif args.command == "demo":
        from ml_expert.demo import main as run_demo

        run_demo(args.workspace)
    elif args.command == "call":
        _call(args)
    elif args.command == "check-drift":
        from ml_expert.drift_command import run as check_drift

        sys.exit(check_drift(parser, args))
    else:
        _serve(parser, args)


def _call(args: argparse.Namespace) -> None:
    from ml_expert.terminal import run_call

    sys.exit(run_call(args.tool, args.spec, args.workspace, args.roots, args.wait, args.raw))


class ToolListHelp(argparse.Action):
    """`call --help` lists the tools too; the catalog is imported only when asked for."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        from ml_expert.catalog import CATALOG

        tools = [f"  {entry.name:24} {entry.title}" for entry in CATALOG]
        parser.epilog = "\n".join(["tools (--json is the spec):", *tools, "job and run tools (--json is the arguments):",
                                    *(f"  {line}" for line in JOB_AND_RUN_TOOLS)])
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        parser.print_help()
        parser.exit()


JOB_AND_RUN_TOOLS = ('get_job, wait_job, cancel_job   {"job_id": "..."}',
                     'list_jobs                      {"status": "running", "tool": "...", "limit": 20}',
                     'list_runs                      {"tool": "...", "limit": 20}',
                     'get_run                        {"run_id": "..."}')


def _serve(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    from ml_expert.app import build_server
    from ml_expert.config import ServerConfig

    for root in args.roots:
        if not root.is_dir():
            parser.error(f"--root {root}: not a folder")
    if args.token is not None:
        parser.error(f"--token on the command line shows in the process list; set {TOKEN_VARIABLE} or pass "
                     f"--token-file PATH")
    config = ServerConfig(workspace=args.workspace, roots=tuple(args.roots), workers=args.workers,
                          job_time_limit_s=args.job_time_limit, default_wait_s=args.wait, tracking=args.tracking,
                          job_memory_limit_bytes=args.job_memory_limit)
    executor = _executor(parser, args)
    if args.http is None:
        build_server(config, executor=executor).run()
        return
    host, _, port = args.http.rpartition(":")
    if not host or not port.isdigit():
        parser.error(f"--http must be HOST:PORT, e.g. 127.0.0.1:8000; got {args.http!r}")
    token = _read_token_file(parser, args.token_file) if args.token_file else os.environ.get(TOKEN_VARIABLE)
    if args.no_auth:
        if host not in LOOPBACK_HOSTS:
            parser.error(f"--no-auth serves only loopback addresses ({', '.join(LOOPBACK_HOSTS)}); got {host!r}")
        token = None
    elif not token:
        parser.error(f"--http needs a bearer token: set {TOKEN_VARIABLE} or pass --token-file (16+ characters), "
                     f"or --no-auth on a loopback address")
    elif len(token) < 16:
        parser.error("the bearer token must be at least 16 characters long")
    from ml_expert.http import serve_http

    server = build_server(config, executor=executor, auth_token=token, public_url=f"http://{host}:{port}")
    serve_http(server, host, int(port), args.allowed_host, args.allowed_origin,
               session_idle_timeout_s=args.session_idle_timeout, max_sessions=args.max_sessions)


def _executor(parser: argparse.ArgumentParser, args: argparse.Namespace):
    """None for local worker processes (the server's default), else a Ray executor, connected now so a
    wrong address is an error at start-up."""
    if args.executor == "local":
        if args.ray_address is not None:
            parser.error("--ray-address needs --executor ray")
        return None
    from ml_expert.jobs.ray_executor import RayExecutor, RayUnavailable

    try:
        return RayExecutor(args.ray_address)
    except RayUnavailable as error:
        parser.error(str(error))


def _read_token_file(parser: argparse.ArgumentParser, path: Path) -> str:
    try:
        token = path.read_text().strip()
    except (OSError, UnicodeDecodeError) as error:
        parser.error(f"--token-file {path}: cannot be read ({error})")
    if not token:
        parser.error(f"--token-file {path}: the file is empty")
    return token
