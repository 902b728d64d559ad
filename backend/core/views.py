"""Operational endpoints."""

from django.db import connection
from django.http import JsonResponse


def health(request):
    """Liveness and readiness for load balancers and container health checks: the process
    answers and the database accepts a query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means "not ready"
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})
