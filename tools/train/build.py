"""The experiment's model, with its input and output read from the already prepared data."""

from __future__ import annotations

from ml_expert.tools.data.table import Table
from ml_expert.tools.job import JobContext
from ml_expert.tools.models.load import (
    LoadedModel,
    build_builtin,
    build_code,
    check_family_accepts,
    given_hyperparameters,
    io_from_description,
    io_from_table,
    load_run,
)
from ml_expert.tools.models.registry import get_family
from ml_expert.tools.models.spec import CodeModel, ModelRef, RunModel


def build_model(ref: ModelRef, table: Table, job: JobContext, field: str) -> LoadedModel:
    """Freshly initialised (built-in, code) or restored (run); the global torch seed decides the init."""
    if isinstance(ref, RunModel):
        return load_run(ref.run_id, job, f"{field}.run_id")
    family = None if isinstance(ref, CodeModel) else get_family(ref.family)
    # The experiment's data decides shapes unless the model spec gives input/output itself.
    if ref.input is not None:
        io, input_field, output_field = io_from_description(ref, family, field), f"{field}.input", f"{field}.output"
    else:
        io = io_from_table(table, family, field)
        input_field = output_field = f"{field}.data"
    if family is not None:
        check_family_accepts(family, io, input_field, output_field)
    if isinstance(ref, CodeModel):
        return build_code(ref, io, job, field)
    return build_builtin(ref.family, given_hyperparameters(ref), io, field)
