"""Imports every table module so ``Base.metadata`` is complete (for Alembic and tests).

Each slice adds one line here when it adds a ``models.py``.
"""

from wageguard import calendar_models
from wageguard.attendance import models as attendance_models
from wageguard.audit import models as audit_models
from wageguard.auth import models as auth_models
from wageguard.complaints import models as complaint_models
from wageguard.db import Base
from wageguard.ingest import models as ingest_models
from wageguard.monitoring import models as monitoring_models
from wageguard.payroll import models as payroll_models
from wageguard.registry import models as registry_models
from wageguard.risk import models as risk_models
from wageguard.security import models as security_models
from wageguard.tallies import models as tally_models

__all__ = [
    "Base",
    "attendance_models",
    "audit_models",
    "auth_models",
    "calendar_models",
    "complaint_models",
    "ingest_models",
    "monitoring_models",
    "payroll_models",
    "registry_models",
    "risk_models",
    "security_models",
    "tally_models",
]
