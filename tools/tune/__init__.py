"""tune_hyperparams: an Optuna search over training and architecture fields, judged honestly.

schema.py is pydantic only (the server imports it for JSON schemas); everything else runs in a
job worker or in the worker processes it starts (``ml-expert worker`` joins from elsewhere).
"""
