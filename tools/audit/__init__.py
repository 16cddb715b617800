"""audit_data: check a dataset and its splits.

schema.py is pydantic only (the server imports it for JSON schemas); run.py runs in a worker.
"""
