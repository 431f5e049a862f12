"""Audit log: every unmasked read of personal data and every import."""
