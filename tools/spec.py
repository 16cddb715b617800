"""Fields every tool spec shares."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ml_expert.tools.tracking import Tracking


class ToolSpec(BaseModel):
    """Base of every tool's input: unknown fields fail loudly instead of being ignored."""

    model_config = ConfigDict(extra="forbid")

    seed: int = Field(default=0, description="Seed for everything random in the job; recorded in provenance.")
    tracking: Tracking | None = Field(
        default=None, description="'wandb-offline' logs the run to wandb inside the workspace, 'none' logs "
                                  "nothing; default: the server's setting.")
