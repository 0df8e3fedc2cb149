"""Requests per token per minute (PARCOURS_API_RATE); 429 with Retry-After beyond it.

A counter per token and clock minute in the database, so that every server process counts
together: one upsert per request that adds one and returns the sum (the cache framework's
add-then-increment took ten statements and two transactions on the database cache). The first
request of a minute clears the token's earlier minutes."""

import time

from django.conf import settings
from django.db import connection
from rest_framework.throttling import BaseThrottle

from parcours.api.models import RateCount

_TABLE = connection.ops.quote_name(RateCount._meta.db_table)
_COUNT = (
    f"INSERT INTO {_TABLE} (token_id, minute, requests) VALUES (%s, %s, 1)"  # noqa: S608
    f" ON CONFLICT (token_id, minute) DO UPDATE SET requests = {_TABLE}.requests + 1"
    " RETURNING requests"
)


def count(token_id: int, minute: int) -> int:
    """One more request of the token in this minute; how many it has made in it."""
    with connection.cursor() as cursor:
        cursor.execute(_COUNT, [token_id, minute])
        (made,) = cursor.fetchone()
    if made == 1:
        RateCount.objects.filter(token_id=token_id, minute__lt=minute).delete()
    return made


class PerToken(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        token = request.auth
        if token is None:
            return True  # refused before: no token, nothing to count
        now = time.time()
        self.wait_seconds = 60 - int(now % 60)
        return count(token.pk, int(now // 60)) <= settings.PARCOURS_API_RATE

    def wait(self) -> int:
        return self.wait_seconds
