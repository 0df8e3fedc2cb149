from tests.sso.loopback import _provider_process, oidc  # noqa: F401  (the OIDC provider's fixtures)
