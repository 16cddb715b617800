"""Budget fitting lands parameter counts inside the tolerance, cheaply (models built on the meta device)."""

import pytest

from ml_expert.tools.models.budget import closest_value, count_parameters, fit_family
from ml_expert.tools.models.io import ModelIO
from ml_expert.tools.models.load import build_builtin
from ml_expert.tools.models.registry import get_family

LM_IO = ModelIO("language_model", "tokens", (128,), 8000, 8000)


def real_count(family, given, io):
    return count_parameters(build_builtin(family, given, io).module)


def test_decoder_lm_lands_within_two_percent_of_2m():
    fit = fit_family(get_family("decoder_lm"), {}, LM_IO, 2_000_000, 0.02)
    assert fit.within_tolerance and set(fit.chosen) == {"depth", "width"}
    assert real_count("decoder_lm", fit.chosen, LM_IO) == fit.param_count
    assert abs(fit.param_count - 2_000_000) <= 0.02 * 2_000_000


def test_decoder_lm_shape_keeps_a_sensible_aspect_ratio():
    fit = fit_family(get_family("decoder_lm"), {}, ModelIO("language_model", "tokens", (256,), 50257, 50257),
                     25_000_000, 0.02)
    assert fit.within_tolerance
    assert 32 <= fit.chosen["width"] / fit.chosen["depth"] <= 128


def test_given_knobs_stay_fixed():
    fit = fit_family(get_family("decoder_lm"), {"heads": 6, "depth": 3}, LM_IO, 3_000_000, 0.05)
    assert fit.within_tolerance and set(fit.chosen) == {"width"} and fit.chosen["width"] % 6 == 0


def test_depth_is_fitted_when_width_is_given():
    io = ModelIO("classification", "tabular", (30,), None, 2)
    fit = fit_family(get_family("mlp"), {"width": 64}, io, 50_000, 0.05)
    assert set(fit.chosen) == {"depth"} and fit.within_tolerance


def test_nothing_to_fit_when_width_and_depth_are_given():
    io = ModelIO("classification", "tabular", (30,), None, 2)
    fit = fit_family(get_family("mlp"), {"width": 64, "depth": 2}, io, 1_000_000, 0.05)
    assert fit.chosen == {} and not fit.within_tolerance


@pytest.mark.parametrize(("family", "io", "budget"), [
    ("mlp", ModelIO("classification", "tabular", (30,), None, 2), 100_000),
    ("cnn", ModelIO("classification", "image", (1, 8, 8), None, 10), 300_000),
    ("resnet", ModelIO("classification", "image", (3, 32, 32), None, 10), 2_000_000),
    ("transformer_encoder", ModelIO("classification", "tokens", (64,), 5000, 4), 1_500_000),
    ("lstm", ModelIO("classification", "tokens", (32,), 1000, 2), 500_000),
    ("gru", ModelIO("language_model", "tokens", (32,), 1000, 1000), 500_000),
])
def test_every_family_fits_a_budget(family, io, budget):
    fit = fit_family(get_family(family), {}, io, budget, 0.05)
    assert fit.within_tolerance, fit
    assert real_count(family, fit.chosen, io) == fit.param_count


def test_closest_value_respects_the_step():
    value, count = closest_value(lambda v: v * v, 1000, 8, 4096)
    assert (value, count) == (32, 1024)  # 32² = 1024 is nearer 1000 than 24² = 576
