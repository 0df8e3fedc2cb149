"""Provisioning many phones: a token per person and phone, printed for ODK Collect."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from segno import make as make_qr

from parcours.collect import services
from parcours.collect.models import DeviceToken
from parcours.privacy.audit import Actor
from parcours.projects.models import Project


class Command(BaseCommand):
    help = (
        "Make a token for USERNAME's phone NAME in a project and print what ODK Collect needs "
        "(server URL, user name, token; --qr draws the settings QR code on the terminal), or "
        "revoke it with --revoke. The token is shown once."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--project", required=True, help="the project's short name (slug)")
        parser.add_argument("--name", required=True, help="the phone, e.g. 'Sara tablet 2'")
        parser.add_argument(
            "--url",
            help="the site's address as phones reach it (default: https:// and the first of "
            "ALLOWED_HOSTS)",
        )
        parser.add_argument("--qr", action="store_true", help="draw the QR code Collect scans")
        parser.add_argument("--revoke", action="store_true", help="revoke the phone's token")

    def handle(self, *args, username, project, name, url, qr, revoke, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        project_ = Project.objects.filter(slug=project).first()
        if project_ is None:
            raise CommandError(f"no project {project!r}")
        actor = Actor(None, page="command:device-token")
        if revoke:
            device = DeviceToken.objects.in_use().filter(user=user, project=project_, name=name)
            if not device.exists():
                raise CommandError(f"{username} has no phone {name!r} in use in {project}")
            services.revoke(actor, device.get())
            self.stdout.write(f"Revoked: {username}'s phone {name!r} in {project}.")
            return
        try:
            device, token = services.issue(actor, user, project_, name)
        except services.DeviceError as error:
            raise CommandError(str(error)) from None
        base = (url or f"https://{settings.ALLOWED_HOSTS[0]}").rstrip("/")
        server = base + services.server_path(project_)
        self.stdout.write(f"Server URL: {server}\nUsername:   {username}\nToken:      {token}")
        if qr:
            code = make_qr(services.collect_settings(server, device, token), error="l")
            code.terminal(out=self.stdout, compact=True)
