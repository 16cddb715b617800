import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# Worker processes import test-only tools (tests.fixtures.jobs) by name.
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def data_root(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    root.mkdir()
    return root


@pytest.fixture
def config(tmp_path: Path, data_root: Path):
    from ml_expert.config import ServerConfig

    return ServerConfig(workspace=tmp_path / "workspace", roots=(data_root,), workers=2, tracking="none",
                        default_wait_s=30)
