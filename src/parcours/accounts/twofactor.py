"""Two-factor sign-in: a TOTP app on the phone, and ten recovery codes for when it is lost.

django-otp keeps the devices and verifies codes; this module decides what Parcours asks for.
A session counts as verified once django-otp's ``login`` has recorded the device in it.
"""

import secrets

import segno
from django.conf import settings
from django.db import transaction
from django.utils.safestring import mark_safe
from django_otp import devices_for_user

from parcours.accounts.models import AuthenticatorApp, RecoveryCodes, User, recovery_hash
from parcours.privacy.audit import Actor, record_security
from parcours.privacy.models import AuditAction

RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def required() -> bool:
    return settings.PARCOURS_REQUIRE_2FA


def enrolled_device(user) -> AuthenticatorApp | None:
    return AuthenticatorApp.objects.filter(user=user, confirmed=True).first()


def pending_device(user) -> AuthenticatorApp:
    """The device being set up: made once, kept until confirmed with a code."""
    device = AuthenticatorApp.objects.filter(user=user, confirmed=False).first()
    return device or AuthenticatorApp.objects.create(user=user, name="Parcours", confirmed=False)


def secret_for_typing(device: AuthenticatorApp) -> str:
    """The key as an authenticator app takes it by hand (base32, in groups of four)."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: AuthenticatorApp) -> str:
    """The otpauth:// address as an SVG QR code, drawn here (never by a third party)."""
    svg = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#1d232a")
    # segno draws only paths from the encoded address; no text of ours reaches the markup.
    return mark_safe(svg)


def verify(user, code: str):
    """The device that accepts ``code`` (the app's six digits or a recovery code), or None."""
    code = (code or "").strip().replace(" ", "")
    if not code:
        return None
    # Six digits are for the app, anything else is a recovery code. Each device slows down
    # guesses itself (django-otp's throttling: 1 s, 2 s, 4 s, …).
    kind = AuthenticatorApp if code.isdigit() else RecoveryCodes
    return next(
        (
            device
            for device in devices_for_user(user, confirmed=True)
            if isinstance(device, kind) and device.verify_token(code)
        ),
        None,
    )


def new_recovery_codes(user) -> list[str]:
    """Ten fresh codes (the old ones stop working); returned once, stored hashed."""
    codes = [
        "-".join("".join(secrets.choice(_ALPHABET) for _ in range(5)) for _part in range(2))
        for _code in range(RECOVERY_CODES)
    ]
    RecoveryCodes.objects.filter(user=user).delete()
    RecoveryCodes.objects.create(
        user=user, name="recovery", confirmed=True, code_hashes=[recovery_hash(c) for c in codes]
    )
    return codes


@transaction.atomic
def confirm(actor: Actor, device: AuthenticatorApp, code: str) -> list[str] | None:
    """Confirm the pending device with a code from the app; returns the recovery codes."""
    if not device.verify_token((code or "").strip().replace(" ", "")):
        return None
    AuthenticatorApp.objects.filter(user=device.user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record_security(actor, AuditAction.TWO_FACTOR_ENROLLED, device.user)
    return new_recovery_codes(device.user)


@transaction.atomic
def reset(actor: Actor, user: User) -> None:
    """Forget the user's devices and end their sessions: they enrol again at next sign-in."""
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    end_sessions(user)
    record_security(actor, AuditAction.TWO_FACTOR_RESET, user)


def end_sessions(user: User) -> None:
    """Every session of ``user`` stops being valid at its next request."""
    user.session_generation += 1
    user.save(update_fields=["session_generation"])
