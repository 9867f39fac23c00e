"""`GET /healthz`: whether this instance can reach its database and its Celery broker.

For load balancers and container health checks: no authentication, no session, no merchant.
The answer names each part and says only "ok" or "unavailable"; the reason goes to the log,
never to the caller (it can name hosts).
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import redis
from django.conf import settings
from django.db import connection, transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

OK = "ok"
UNAVAILABLE = "unavailable"
# A health check must answer before the prober gives up on it.
BROKER_TIMEOUT_SECONDS = 2.0
REDIS_SCHEMES = {"redis", "rediss"}


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        logger.warning("health check: database unavailable (%s)", type(error).__name__)
        return UNAVAILABLE
    return OK


def broker_status() -> str:
    url = settings.CELERY_BROKER_URL
    scheme = urlsplit(url).scheme
    if settings.CELERY_TASK_ALWAYS_EAGER and scheme == "memory":
        return OK  # no broker: tasks run in-process (the embedded setup)
    if scheme not in REDIS_SCHEMES:
        logger.warning("health check: cannot check a %r broker", scheme)
        return UNAVAILABLE
    client = redis.Redis.from_url(
        url,
        socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
        socket_timeout=BROKER_TIMEOUT_SECONDS,
        retry_on_timeout=False,
    )
    try:
        client.ping()
    except Exception as error:
        logger.warning("health check: broker unavailable (%s)", type(error).__name__)
        return UNAVAILABLE
    finally:
        client.close()
    return OK


# Outside ATOMIC_REQUESTS: opening the request's transaction would fail before the check runs
# when the database is down, and the prober would get a 500 instead of the answer.
@transaction.non_atomic_requests
@never_cache
@require_GET
def healthz(request):
    parts = {"database": database_status(), "broker": broker_status()}
    healthy = all(status == OK for status in parts.values())
    return JsonResponse(parts, status=200 if healthy else 503)
