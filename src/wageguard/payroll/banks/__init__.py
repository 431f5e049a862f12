"""Readers of bank files: CSV/XLSX through named column-mapping profiles, ISO 20022 camt.053/054 and pain.001.

Each reader turns a file into a ``BankDocument`` of plain records; storing and matching is ``service.py``'s.
"""
