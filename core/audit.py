from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.models import AuditEvent
from core.request_context import current_request_meta

if TYPE_CHECKING:
    from accounts.models import User
    from orgs.models import Organization


def audit_record(
    *,
    kind: str,
    actor: User | None,
    organization: Organization | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event; the IP and user agent come from the current request."""
    meta = current_request_meta()
    return AuditEvent.objects.create(
        kind=kind,
        actor=actor if actor is not None and actor.pk else None,
        organization=organization,
        data=data or {},
        ip=meta.ip,
        user_agent=meta.user_agent,
    )
