"""The compact layer table: identical blocks fold, the row count stays capped."""

import torch
from torch import nn

from ml_expert.tools.architecture.layer_table import compact, markdown, module_tree, table_rows
from ml_expert.tools.models.io import ModelIO
from ml_expert.tools.models.load import build_builtin


def test_identical_blocks_fold_into_one_entry_listed_once():
    io = ModelIO("language_model", "tokens", (16,), 100, 100)
    gpt = build_builtin("decoder_lm", {"depth": 12, "width": 16}, io).module
    rows, note = compact(table_rows(module_tree(gpt, io.example_input(1))))
    names = [row.name for row in rows]
    assert "blocks.0-11.attn.qkv" in names and not any(name.startswith("blocks.1.") for name in names)
    qkv = next(row for row in rows if row.name == "blocks.0-11.attn.qkv")
    assert (qkv.type, qkv.output_shape, qkv.params, qkv.repeat) == ("Linear", [1, 16, 48], 16 * 48 + 48, 12)
    assert note == ""


def test_many_distinct_layers_are_capped_with_a_note():
    model = nn.Sequential(*[nn.Linear(i + 1, i + 2) for i in range(60)])
    tree = module_tree(model, torch.randn(1, 1))
    rows, note = compact(table_rows(tree))
    assert len(rows) == 40 and "first 40 of 60" in note
    full = markdown(table_rows(tree, fold=False))
    assert full.count("\n") == 62 and "| 59 | Linear | 1x61 | 3,721 |" in full


def test_deep_trees_show_the_deepest_level_that_fits():
    model = nn.Sequential(*[nn.Sequential(nn.Linear(8, 8 + i % 2), nn.ReLU(), nn.Linear(8 + i % 2, 8)) for i in range(16)])
    rows, note = compact(table_rows(module_tree(model, torch.randn(1, 8))), max_rows=20)
    assert all(row.name.count(".") == 0 for row in rows) and "level 1 of 2" in note


def test_tied_weights_count_once_so_top_level_rows_sum_to_the_parameter_count():
    from ml_expert.tools.models.budget import count_parameters

    io = ModelIO("language_model", "tokens", (16,), 500, 500)
    gpt = build_builtin("decoder_lm", {"depth": 2, "width": 32, "tie_embeddings": True}, io).module
    rows = table_rows(module_tree(gpt, io.example_input(1)))
    top = [row for row in rows if row.depth == 1]
    assert sum(row.params * row.repeat for row in top) == count_parameters(gpt)
    shared = [row for row in rows if row.shared]
    assert [(row.params, row.shared) for row in shared if row.depth == 1] == [(0, 500 * 32)]
    assert "(+16,000 shared, counted above)" in markdown(rows)
