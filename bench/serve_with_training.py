"""The ml-expert server over stdio with the benchmark training job added to its catalog."""

import sys

from training_job import TRAIN

from ml_expert.app import build_server
from ml_expert.catalog import CATALOG
from ml_expert.config import ServerConfig

if __name__ == "__main__":
    build_server(ServerConfig(workspace=sys.argv[1], tracking="none"), catalog=[*CATALOG, TRAIN]).run()
