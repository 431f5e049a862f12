"""Command line: one thin module per area, assembled in ``main.py``."""
