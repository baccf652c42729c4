"""The config route: a config file loaded and its spaCy pipeline built (build.py), the pipeline's own sections resolved into settings (settings.py)."""
