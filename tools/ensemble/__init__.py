"""build_ensemble: several trained runs combined by averaging, voting or stacking, saved as one run."""
