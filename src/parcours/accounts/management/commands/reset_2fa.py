from django.core.management.base import BaseCommand, CommandError

from parcours.accounts import twofactor
from parcours.accounts.models import User
from parcours.privacy.audit import Actor


class Command(BaseCommand):
    help = (
        "Reset a user's second factor after a lost or new phone: forgets their authenticator "
        "app and recovery codes and ends their sessions; they set it up again at their next "
        "sign-in. Audited. Example: parcours reset-2fa sara"
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"username {username!r}: no such user")
        twofactor.reset(Actor(None, None), user)
        self.stdout.write(
            f"Second factor of {username} reset; their sessions have ended. "
            "They set up their authenticator app again at their next sign-in."
        )
