"""The organisation's OpenID Connect provider, through Authlib: discovery, the authorization
code flow with PKCE, ``state`` and ``nonce``, and the ID token's signature, issuer, audience,
expiry and nonce checked against the provider's published keys.

The client is made from the settings when first needed (and again when they change, as the
tests do), so the site starts without a provider reachable.
"""

import functools

from authlib.integrations.django_client import OAuth
from django.conf import settings

NAME = "provider"
# What an ID token's amr says when a second factor was used (RFC 8176), beside the acr values
# the operator lists in PARCOURS_OIDC_MFA_ACR.
SECOND_FACTOR_AMR = {"mfa", "otp", "hwk", "swk", "sms", "tel", "fpt", "face", "iris", "sc"}


def configured() -> bool:
    return bool(settings.PARCOURS_OIDC_ISSUER)


def client():
    return _client(
        settings.PARCOURS_OIDC_ISSUER,
        settings.PARCOURS_OIDC_CLIENT_ID,
        settings.PARCOURS_OIDC_CLIENT_SECRET,
        settings.PARCOURS_OIDC_SCOPES,
    )


@functools.lru_cache(maxsize=4)
def _client(issuer: str, client_id: str, secret: str, scopes: str):
    registry = OAuth()
    return registry.register(
        NAME,
        client_id=client_id,
        client_secret=secret,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": scopes, "code_challenge_method": "S256", "timeout": 10},
    )


def metadata() -> dict:
    return client().load_server_metadata()


def second_factor_used(claims: dict) -> bool:
    """Whether the ID token says the person gave a second factor at the provider."""
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    acr = claims.get("acr")
    return bool(SECOND_FACTOR_AMR & set(amr)) or (
        acr is not None and acr in settings.PARCOURS_OIDC_MFA_ACR
    )
