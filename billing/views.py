from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing.providers.base import SIGNATURE_HEADER
from billing.services import WebhookRefused, webhook_receive

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, provider: str) -> HttpResponse:
    """X5: a provider's notification; signed (HMAC), deduplicated by event id, idempotent."""
    try:
        result = webhook_receive(
            provider=provider,
            body=request.body,
            signature=request.headers.get(SIGNATURE_HEADER, ""),
        )
    except WebhookRefused as refused:
        logger.warning("Webhook from %s refused: %s", provider, refused)
        return JsonResponse({"status": "refused"}, status=400)
    return JsonResponse({"status": result})
