"""The commands: plain functions that run, evaluate, convert and train (run.py, ...), and the thin command line over them (cli.py)."""
