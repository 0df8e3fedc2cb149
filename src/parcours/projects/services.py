"""Changes to organisations and projects."""

import re

from django.db import transaction

from parcours.projects.criteria import DEFAULT_CRITERIA
from parcours.projects.flag_reasons import DEFAULT_FLAG_REASONS
from parcours.projects.models import EligibilityCriterion, FlagReason, Organisation, Project


def default_prefix(name: str) -> str:
    """'Plan Together' → 'PT'; one word → its first two letters."""
    words = re.findall(r"[A-Za-z0-9]+", name)
    if len(words) >= 2:
        return "".join(w[0] for w in words[:4]).upper()
    return (words[0][:2] if words else "P").upper()


@transaction.atomic
def create_project(
    *,
    organisation_name: str,
    slug: str,
    name: str,
    country: str = "BE",
    prefix: str = "",
    network: bool = False,
) -> Project:
    """A project with the default admission criteria and flag reasons, ready for referrals; a
    network project takes its criteria from the exports it imports."""
    organisation, _ = Organisation.objects.get_or_create(name=organisation_name)
    project = Project.objects.create(
        organisation=organisation,
        slug=slug,
        name=name,
        country=country,
        case_number_prefix=prefix or default_prefix(name),
        network=network,
    )
    if network:
        return project
    for model, defaults in (
        (EligibilityCriterion, DEFAULT_CRITERIA),
        (FlagReason, DEFAULT_FLAG_REASONS),
    ):
        model.objects.bulk_create(
            model(project=project, code=code, label_nl=nl, label_fr=fr, label_en=en, position=i)
            for i, (code, nl, fr, en) in enumerate(defaults, start=1)
        )
    return project
