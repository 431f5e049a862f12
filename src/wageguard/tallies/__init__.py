"""Aggregates kept current at ingest and engine run, so the command screen never scans facts per request."""
