"""WageGuard (薪盾): wage protection for construction workers."""

__version__ = "0.1.0"
