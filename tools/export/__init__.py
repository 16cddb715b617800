"""export_model: a deployable package for a run (torch.export and ONNX with the preprocessing
folded in, each checked against the checkpoint), its model card and its drift reference."""
