"""How an agent names a model. Pydantic only: the server imports this for JSON schemas.

A model is one of three things (``kind``): a built-in family with its hyperparameters
(``builtin``), a factory in agent-written code (``code``), or the model a run saved (``run``).
Built-in and code models say what goes in and comes out, either directly (``input``, ``output``)
or through a dataset whose shapes and classes stand in (``data``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ml_expert.tools.data.spec import DataSpec


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- what goes in -------------------------------------------------------------------------

class TabularInput(_Strict):
    """One flat vector of numbers per sample."""

    kind: Literal["tabular"] = Field(description="Selects flat feature vectors.")
    num_features: int = Field(ge=1, le=1_000_000, description="Length of one sample's feature vector.")


class ImageInput(_Strict):
    """An image per sample, channels first (C x H x W)."""

    kind: Literal["image"] = Field(description="Selects images.")
    channels: int = Field(ge=1, le=256, description="C, e.g. 1 for grayscale, 3 for RGB.")
    height: int = Field(ge=1, le=4096, description="H, pixels.")
    width: int = Field(ge=1, le=4096, description="W, pixels.")


class TokenInput(_Strict):
    """A sequence of integer token ids per sample."""

    kind: Literal["tokens"] = Field(description="Selects token sequences.")
    vocab_size: int = Field(ge=2, le=10_000_000, description="Number of distinct token ids (ids run 0..vocab_size-1).")
    seq_len: int = Field(ge=1, le=65_536, description="Tokens per sample; for a language model, its context length.")


InputSpec = Annotated[TabularInput | ImageInput | TokenInput, Field(discriminator="kind")]


# --- what comes out -----------------------------------------------------------------------

class ClassesOutput(_Strict):
    """One logit per class (classification, trained with cross-entropy)."""

    kind: Literal["classes"] = Field(description="Selects classification.")
    num_classes: int = Field(ge=2, le=1_000_000, description="Number of classes C.")


class RegressionOutput(_Strict):
    """Real-valued targets (regression, trained with mean squared error)."""

    kind: Literal["regression"] = Field(description="Selects regression.")
    num_targets: int = Field(default=1, ge=1, le=100_000, description="Real-valued outputs per sample.")


class NextTokenOutput(_Strict):
    """Logits over the input vocabulary at every position (causal language model)."""

    kind: Literal["next_token"] = Field(description="Selects next-token prediction.")


OutputSpec = Annotated[ClassesOutput | RegressionOutput | NextTokenOutput, Field(discriminator="kind")]


class _Described(_Strict):
    """Input and output of a model, given directly or through a dataset."""

    input: InputSpec | None = Field(
        default=None, description="What one sample looks like. Leave out when `data` is given.")
    output: OutputSpec | None = Field(
        default=None, description="What the model predicts. Leave out when `data` is given (classes or "
                                  "regression targets are read from it); decoder_lm defaults to next_token.")
    data: DataSpec | None = Field(
        default=None, description="A dataset standing in for input and output: its feature count (or image "
                                  "shape, e.g. 1x8x8 for digits), its task and its classes. The checks then "
                                  "use a real batch of its training split.")

    @model_validator(mode="after")
    def _input_described(self) -> _Described:
        if self.input is None and self.data is None:
            raise ValueError("give `input` (tabular, image or tokens) or `data` whose shapes stand in for it")
        if self.input is not None and self.data is not None:
            raise ValueError("give either `input`/`output` or `data`, not both: the data decides the shapes")
        return self


# --- built-in families ----------------------------------------------------------------------

Activation = Literal["relu", "gelu", "silu", "tanh"]
_DEPTH = "Left out: chosen by the tool (fitted to param_budget when one is given)."
_WIDTH = "Left out: chosen by the tool (fitted to param_budget when one is given)."
_DROPOUT = "Dropout probability; default 0.0."


class _Builtin(_Described):
    kind: Literal["builtin"] = Field(description="Selects a built-in family.")


class MLPModel(_Builtin):
    """Multilayer perceptron: [Linear -> norm -> activation -> dropout] x depth -> Linear. Images are flattened."""

    family: Literal["mlp"] = Field(description="The model family.")
    depth: int | None = Field(default=None, ge=1, le=64, description="Hidden layers. " + _DEPTH + " Default 2.")
    width: int | None = Field(default=None, ge=1, le=65_536, description="Units per hidden layer. " + _WIDTH)
    activation: Activation | None = Field(default=None, description="Default relu.")
    norm: Literal["none", "batch", "layer"] | None = Field(default=None, description="Default none.")
    dropout: float | None = Field(default=None, ge=0.0, lt=1.0, description=_DROPOUT)


class CNNModel(_Builtin):
    """Plain convolutional net: [Conv -> norm -> activation -> MaxPool 2] x depth -> global average pool -> Linear."""

    family: Literal["cnn"] = Field(description="The model family.")
    depth: int | None = Field(default=None, ge=1, le=12,
                              description="Conv stages; each halves the image. Default: as many as the image "
                                          "size allows, at most 4.")
    width: int | None = Field(default=None, ge=1, le=8192,
                              description="Channels of the first stage; each stage doubles them. " + _WIDTH)
    kernel_size: int | None = Field(default=None, ge=1, le=11, description="Odd kernel size; default 3.")
    activation: Activation | None = Field(default=None, description="Default relu.")
    norm: Literal["none", "batch", "group"] | None = Field(default=None, description="Default batch.")
    dropout: float | None = Field(default=None, ge=0.0, lt=1.0, description=_DROPOUT + " Applied before the head.")

    @model_validator(mode="after")
    def _odd_kernel(self) -> CNNModel:
        if self.kernel_size is not None and self.kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd so 'same' padding keeps the size; got {self.kernel_size}")
        return self


class ResNetModel(_Builtin):
    """ResNet of basic blocks (two 3x3 convs and a skip); stages double the channels and halve the image."""

    family: Literal["resnet"] = Field(description="The model family.")
    blocks_per_stage: list[int] | None = Field(
        default=None, min_length=1, max_length=6,
        description="Basic blocks in each stage, e.g. [2, 2, 2, 2] (ResNet-18 layout). Default: 2 per stage, "
                    "with as many stages as the image size allows, at most 4.")
    width: int | None = Field(default=None, ge=1, le=4096, description="Channels of the first stage. " + _WIDTH)
    activation: Activation | None = Field(default=None, description="Default relu.")
    norm: Literal["batch", "group"] | None = Field(default=None, description="Default batch.")
    dropout: float | None = Field(default=None, ge=0.0, lt=1.0, description=_DROPOUT + " Applied before the head.")

    @model_validator(mode="after")
    def _positive_blocks(self) -> ResNetModel:
        if self.blocks_per_stage is not None and any(b < 1 or b > 64 for b in self.blocks_per_stage):
            raise ValueError(f"blocks_per_stage entries must lie in 1..64; got {self.blocks_per_stage}")
        return self


class _TransformerShape(_Builtin):
    depth: int | None = Field(default=None, ge=1, le=128, description="Transformer blocks. " + _DEPTH)
    width: int | None = Field(default=None, ge=1, le=65_536, description="Model dimension d_model. " + _WIDTH)
    heads: int | None = Field(default=None, ge=1, le=256,
                              description="Attention heads; width must divide by it. Default: head size near 64.")
    ff_ratio: float | None = Field(default=None, gt=0.0, le=32.0,
                                   description="Feed-forward hidden size / width; default 4.")
    activation: Literal["gelu", "relu", "silu"] | None = Field(default=None, description="Default gelu.")
    norm: Literal["layer", "rms"] | None = Field(default=None, description="Pre-norm type; default layer.")
    dropout: float | None = Field(default=None, ge=0.0, lt=1.0, description=_DROPOUT)

    @model_validator(mode="after")
    def _heads_divide_width(self) -> _TransformerShape:
        if self.heads is not None and self.width is not None and self.width % self.heads:
            raise ValueError(f"width ({self.width}) must be divisible by heads ({self.heads})")
        return self


class TransformerEncoderModel(_TransformerShape):
    """Transformer encoder over tokens (bidirectional attention, pre-norm), pooled, then a head."""

    family: Literal["transformer_encoder"] = Field(description="The model family.")
    pooling: Literal["mean", "cls"] | None = Field(
        default=None, description="mean over positions, or a learned [CLS] token; default mean.")


class DecoderLMModel(_TransformerShape):
    """GPT-style decoder-only language model: causal self-attention blocks, next-token logits."""

    family: Literal["decoder_lm"] = Field(description="The model family.")
    tie_embeddings: bool | None = Field(
        default=None, description="Share the token embedding with the output layer (GPT-2 does); default true.")


class RNNModel(_Builtin):
    """Embedding -> stacked LSTM or GRU -> head on the last step (classifier) or every step (language model)."""

    family: Literal["lstm", "gru"] = Field(description="The model family.")
    depth: int | None = Field(default=None, ge=1, le=16, description="Stacked recurrent layers; default 2.")
    width: int | None = Field(default=None, ge=1, le=16_384, description="Hidden size. " + _WIDTH)
    embedding_dim: int | None = Field(default=None, ge=1, le=16_384, description="Default: the hidden size.")
    bidirectional: bool | None = Field(default=None,
                                       description="Read both directions; classifiers only. Default false.")
    dropout: float | None = Field(default=None, ge=0.0, lt=1.0, description=_DROPOUT + " Between layers.")


BuiltinModel = Annotated[
    MLPModel | CNNModel | ResNetModel | TransformerEncoderModel | DecoderLMModel | RNNModel,
    Field(discriminator="family"),
]
FAMILY_NAMES = ("mlp", "cnn", "resnet", "transformer_encoder", "decoder_lm", "lstm", "gru")


# --- code and runs --------------------------------------------------------------------------

class CodeModel(_Described):
    """A factory in agent-written code that returns a torch.nn.Module."""

    kind: Literal["code"] = Field(description="Selects agent-written code.")
    target: str = Field(pattern=r"^.+\.py:[A-Za-z_][A-Za-z0-9_]*$",
                        description="'path/to/file.py:factory', the file under one of the server's roots.")
    kwargs: dict[str, Any] = Field(default_factory=dict,
                                   description="Keyword arguments for the factory (JSON values).")


class RunModel(_Strict):
    """The model an earlier run saved (its config and checkpoint)."""

    kind: Literal["run"] = Field(description="Selects the model an earlier run saved.")
    run_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=128,
                        description="run_id of an implement_architecture run (or a later tool that saved a model).")


ModelRef = Annotated[BuiltinModel | CodeModel | RunModel, Field(discriminator="kind")]
