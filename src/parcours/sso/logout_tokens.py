"""The provider's logout tokens (OpenID Connect Back-Channel Logout 1.0, section 2.6),
checked with joserfc against the provider's published keys: signature, issuer, audience,
issue time, the logout event, a subject or a session, and no nonce."""

import time

from django.conf import settings
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from parcours.sso import provider

EVENT = "http://schemas.openid.net/event/backchannel-logout"
MAX_AGE_SECONDS = 300


class Invalid(ValueError):
    pass


def verify(raw: str) -> dict:
    if not raw:
        raise Invalid("no logout_token")
    client = provider.client()
    metadata = client.load_server_metadata()
    algorithms = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    registry = jwt.JWSRegistry(algorithms=algorithms)
    try:
        try:
            token = jwt.decode(
                raw, KeySet.import_key_set(client.fetch_jwk_set()), registry=registry
            )
        except JoseError:  # the provider may have turned its keys since we fetched them
            keys = KeySet.import_key_set(client.fetch_jwk_set(force=True))
            token = jwt.decode(raw, keys, registry=registry)
        jwt.JWTClaimsRegistry(
            leeway=60,
            iss={"essential": True, "value": metadata["issuer"]},
            aud={"essential": True, "value": settings.PARCOURS_OIDC_CLIENT_ID},
            iat={"essential": True},
        ).validate(token.claims)
    except (JoseError, ValueError) as error:
        raise Invalid(f"logout token refused: {error}") from error
    claims = token.claims
    if abs(time.time() - claims["iat"]) > MAX_AGE_SECONDS:
        raise Invalid("logout token too old")
    if EVENT not in (claims.get("events") or {}):
        raise Invalid("not a logout event")
    if "nonce" in claims:
        raise Invalid("a logout token carries no nonce")
    if not (claims.get("sub") or claims.get("sid")):
        raise Invalid("a logout token names a subject or a session")
    return claims
