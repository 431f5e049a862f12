"""Imports in the national exchange format (JSON, CSV, XLSX): validate whole files, store all or nothing."""
