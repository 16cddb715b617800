"""Models: built-in families (registry), model references (spec), loading and saving, budget fitting.

Only spec.py and io.py are free of torch; the server imports nothing else from here.
"""
