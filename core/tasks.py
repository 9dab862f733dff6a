from __future__ import annotations

from core.background import BoundTask, bound_task, task
from core.models import OutboxEmail
from core.outbox import outbox_deliver, outbox_due_ids, retry_delay


@bound_task(max_retries=None, acks_late=True)
def outbox_deliver_task(self: BoundTask, email_id: int) -> str:
    """Deliver one outbox e-mail; on a transport error, retry with back-off (X2)."""
    email = outbox_deliver(email_id)
    if email is None:
        return "skipped"
    if email.status == OutboxEmail.Status.PENDING and not self.request.is_eager:
        # In-process (eager) runs leave retries to the sweep instead of blocking the request.
        raise self.retry(countdown=retry_delay(email.attempts).total_seconds())
    return email.status


@task()
def outbox_sweep() -> int:
    """Deliver whatever is due: e-mails whose worker was down or whose retry time came."""
    count = 0
    for email_id in outbox_due_ids():
        if outbox_deliver(email_id) is not None:
            count += 1
    return count
