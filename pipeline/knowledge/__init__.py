"""What the stages know beforehand: name keys and union-find (names.py), places (geo.py), the curated pattern and alias tables (curated.py)."""
