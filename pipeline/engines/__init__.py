"""Engines decide *where* the pipeline's functions run; the functions are the same everywhere."""
