"""The transforms a model was trained behind, fitted on the training split and saved with the model.

``Preprocessing`` (in ``transforms``) holds the column order, the class names, the feature
standardisation and the regression target scaling; ``files`` writes it as ``preprocessing.json``
next to a run's checkpoint and reads it back. Every tool that feeds rows to a saved model
passes them through ``transform`` first, and reads regression outputs through ``inverse_target``.
"""
