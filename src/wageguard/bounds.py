"""Bounds of the integers the database can hold, as annotated types for API inputs.

Every id column is a PostgreSQL ``INTEGER``; an id or offset beyond what the column (or SQLite's 64-bit
integer) holds must be refused as bad input (422), never reach the database (where it is a server error); so
must text with a NUL character.
"""

from __future__ import annotations

from typing import Annotated

from annotated_types import Interval
from pydantic import StringConstraints

INT4_MAX = 2_147_483_647
"""The largest PostgreSQL ``INTEGER``: the type of every id column."""

RowId = Annotated[int, Interval(ge=1, le=INT4_MAX)]
"""A row id (path, query or body): 1 … 2³¹−1."""

Offset = Annotated[int, Interval(ge=0, le=INT4_MAX)]
"""A page offset: 0 … 2³¹−1."""

Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$")]
"""Text without NUL characters (PostgreSQL text cannot hold them)."""
