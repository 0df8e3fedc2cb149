"""Requests per token per minute (PARCOURS_API_RATE), counted in the shared cache so that every
server process counts together; 429 with Retry-After beyond it.

A counter per token and clock minute, not DRF's list of every request's time: one small value
read and written per request, whatever the rate (a list of 120 times, pickled on each request,
was a third of a short answer's cost)."""

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle


class PerToken(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        token = request.auth
        if token is None:
            return True  # refused before: no token, nothing to count
        now = time.time()
        minute = int(now // 60)
        self.wait_seconds = 60 - int(now % 60)
        key = f"parcours:api:rate:{token.pk}:{minute}"
        if cache.add(key, 1, timeout=120):
            return True
        try:
            count = cache.incr(key)
        except ValueError:  # expired between the two calls: this is its first request
            cache.add(key, 1, timeout=120)
            return True
        return count <= settings.PARCOURS_API_RATE

    def wait(self) -> int:
        return self.wait_seconds
