"""Imports every table module so ``Base.metadata`` is complete (for Alembic and tests).

Each slice adds one line here when it adds a ``models.py``.
"""

from wageguard.audit import models as audit_models
from wageguard.auth import models as auth_models
from wageguard.db import Base
from wageguard.ingest import models as ingest_models
from wageguard.registry import models as registry_models

__all__ = ["Base", "audit_models", "auth_models", "ingest_models", "registry_models"]
