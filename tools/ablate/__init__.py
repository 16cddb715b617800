"""ablate_experiment: which parts of an experiment matter, measured over seeds on the same splits."""
