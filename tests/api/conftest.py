"""An API client per person: a token made through the service, sent as a Bearer header."""

import pytest
from django.test import Client

from parcours.api import tokens
from parcours.privacy.audit import Actor


class Api:
    """Requests as another system makes them: JSON in, JSON out, the token in the header."""

    def __init__(self, secret: str, token):
        self.secret, self.token = secret, token
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")

    def get(self, path, data=None, **headers):
        return self.client.get(path, data, headers=headers)

    def post(self, path, body=None, **headers):
        return self.client.post(path, body, content_type="application/json", headers=headers)

    def patch(self, path, body=None, **headers):
        return self.client.patch(path, body, content_type="application/json", headers=headers)

    def delete(self, path, **headers):
        return self.client.delete(path, headers=headers)


@pytest.fixture
def api():
    """``api(user, scopes=None, project=None)``: a client with a new token of ``user``."""
    made = []

    def client_for(user, scopes=None, project=None, name=None):
        token, secret = tokens.issue(
            Actor(user), user, name or f"test {len(made)}", scopes, project
        )
        made.append(token)
        return Api(secret, token)

    return client_for
