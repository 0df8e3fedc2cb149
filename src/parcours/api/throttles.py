"""Requests per token per minute (PARCOURS_API_RATE), counted in the shared cache so that every
server process counts together; 429 with Retry-After beyond it."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class PerToken(SimpleRateThrottle):
    scope = "token"

    def get_rate(self):
        return f"{settings.PARCOURS_API_RATE}/min"

    def get_cache_key(self, request, view):
        token = request.auth
        if token is None:
            return None  # refused before: no token, nothing to count
        return f"parcours:api:rate:{token.pk}"
