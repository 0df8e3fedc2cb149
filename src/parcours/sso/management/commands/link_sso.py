from django.core.management.base import BaseCommand, CommandError

from parcours.accounts.models import User
from parcours.privacy.audit import Actor
from parcours.sso.services import link_account, unlink_account


class Command(BaseCommand):
    help = (
        "Link an account to a person at the organisation's identity provider (their subject, "
        "the ID token's sub), or --unlink it. Audited. Example: parcours link-sso sara "
        "--subject 00u1a2b3c4"
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--subject", help="the person's subject at the provider")
        group.add_argument("--unlink", action="store_true", help="forget the link")
        parser.add_argument("--issuer", help="the provider (default: PARCOURS_OIDC_ISSUER)")

    def handle(self, *args, username, subject, unlink, issuer, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"username {username!r}: no such user")
        if unlink:
            if not unlink_account(Actor(None, None), user):
                raise CommandError(f"{username} is not linked to a provider")
            self.stdout.write(f"{username} is no longer linked to the provider.")
            return
        subject = (subject or "").strip()
        if not subject:
            raise CommandError("--subject is empty")
        try:
            link = link_account(Actor(None, None), user, subject, issuer)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{username} signs in as {link.subject} at {link.issuer}.")
