"""Writing spreadsheets and CSV files that are safe to open: see ``cells.py``."""
