"""The WSGI entry point: Django's handler, called from a frame that starts its own chunk."""

import sys
from wsgiref.util import setup_testing_defaults

import pytest

from parcours import wsgi


def test_each_request_runs_above_a_frame_too_large_for_a_chunk_of_16_kib():
    seen = {}

    def django(environ, start_response):
        seen["caller"] = sys._getframe(1).f_code
        return [environ["PATH_INFO"].encode()]

    handle = wsgi._in_a_chunk_of_its_own(django)
    assert handle({"PATH_INFO": "/cases/"}, None) == [b"/cases/"]
    # a frame's slots are words of 8 bytes: more than a chunk of 16 KiB holds
    assert seen["caller"].co_nlocals * 8 > 16 * 1024


@pytest.mark.django_db
def test_the_application_answers_a_request():
    environ = {"PATH_INFO": "/login/", "REQUEST_METHOD": "GET"}
    setup_testing_defaults(environ)
    statuses = []
    body = b"".join(wsgi.application(environ, lambda status, headers: statuses.append(status)))
    assert statuses == ["200 OK"] and b"<form" in body
