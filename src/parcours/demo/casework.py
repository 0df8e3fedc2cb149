"""Casework for the demo families: a directory, consents, contacts, a plan, actions, reviews.

Drawn from the demo's seeded generator. The volumes follow the seed's cohort: a few home visits
a month (74 for 12 families, 17 for the most intensive one), with calls and messages between.
"""

import datetime
import random

from parcours.casework import services
from parcours.casework.choices import (
    AccompanimentTo,
    ActionActor,
    ActionStatus,
    ConsentPurpose,
    ContactKind,
    ProviderKind,
)
from parcours.casework.models import (
    Action,
    CasePlan,
    Consent,
    Contact,
    Review,
    ServiceProvider,
    ServiceReferral,
)
from parcours.demo import legal as legal_demo
from parcours.demo import sheets as sheets_demo

DIRECTORY = [
    (ProviderKind.LAWYER, "Mtr. An Verstraeten", "Advocatenkantoor Verstraeten"),
    (ProviderKind.LAWYER, "Me Julien Lambert", "Cabinet Lambert & associés"),
    (ProviderKind.PSYCHOLOGIST, "Dr. Sofie Claes", "Ulysse"),
    (ProviderKind.CHILDRENS_RIGHTS, "Kinderrechtencommissariaat", "Vlaams Parlement"),
    (ProviderKind.SOCIAL_SERVICES, "CAW Brussel", "CAW Brussel"),
    (ProviderKind.DOCTOR, "Médecins du Monde", "Médecins du Monde"),
]
ACTIONS = [
    (ActionActor.CASE_MANAGER, "Ask the lawyer for the file of the earlier 9bis application"),
    (ActionActor.FAMILY, "Collect support letters from the school and the neighbours"),
    (ActionActor.LAWYER, "Legal screening of all options, regularisation included"),
    (ActionActor.CASE_MANAGER, "Find a psychologist for the mother"),
    (ActionActor.FAMILY, "Renew the identity card at the embassy"),
    (ActionActor.SERVICE, "Check the right to urgent medical care with the CPAS/OCMW"),
]
NOTES = [
    "Went through the letters from the immigration office together.",
    "The family is worried about the landlord's notice.",
    "Explained the options; they want time to think.",
    "Prepared the documents for the lawyer.",
    "",
]


class CaseworkDemo:
    def __init__(self, rng: random.Random, project):
        self.rng = rng
        self.providers = [
            ServiceProvider.objects.create(
                organisation_id=project.organisation_id, kind=kind, name=name, office=office
            )
            for kind, name, office in DIRECTORY
        ]

    def build(self, family, actor, start, end, *, review_overdue: bool = False) -> None:
        """Casework between admission (``start``) and the day the story ends (``end``); with
        ``review_overdue``, the latest review was not held."""
        rng = self.rng
        services.record_consent(
            actor, Consent(family=family, purpose=ConsentPurpose.CASE_MANAGEMENT, given_on=start)
        )
        # Most families consent to the evaluation; a few do not, or withdraw it later, so the
        # evaluators' view and the coordinators' own report differ as they would.
        if rng.random() < 0.8:
            evaluation = services.record_consent(
                actor, Consent(family=family, purpose=ConsentPurpose.EVALUATION, given_on=start)
            )
            if rng.random() < 0.1 and end > start:
                services.withdraw_consent(actor, evaluation, end)
        lawyer = self.providers[rng.randrange(2)]
        sharing = services.record_consent(
            actor,
            Consent(
                family=family,
                purpose=ConsentPurpose.SHARE_WITH_PROVIDER,
                provider=lawyer,
                given_on=start,
            ),
        )
        services.save_plan(
            actor,
            CasePlan(
                family=family,
                strengths="Strong network at the children's school.",
                needs="Legal advice; stable income.",
                obstacles="Distrust of the authorities.",
            ),
        )
        self._contacts(family, actor, start, end)
        for actor_kind, description in rng.sample(ACTIONS, rng.randint(2, 4)):
            due = start + datetime.timedelta(days=rng.randint(7, 150))
            done = due < end and rng.random() < 0.6
            services.save_action(
                actor,
                Action(
                    family=family,
                    actor=actor_kind,
                    description=description,
                    due_on=due,
                    status=ActionStatus.DONE if done else ActionStatus.OPEN,
                    completed_on=min(due, end) if done else None,
                ),
            )
        interval = datetime.timedelta(weeks=family.project.review_interval_weeks)
        review_on = start + interval
        while review_on + (interval if review_overdue else datetime.timedelta()) < end:
            services.record_review(
                actor,
                Review(
                    family=family,
                    held_on=review_on,
                    progress="Steady; trust is growing.",
                ),
            )
            review_on += interval
        legal_demo.build(family, actor, lawyer, start, end, rng)
        sheets_demo.build(family, actor, rng, start, end)
        if rng.random() < 0.6:
            services.refer_to_service(
                actor,
                ServiceReferral(
                    family=family,
                    provider=lawyer,
                    consent=sharing,
                    referred_on=min(start + datetime.timedelta(days=14), end),
                    reason="Legal screening of the file.",
                ),
            )

    def _contacts(self, family, actor, start, end) -> None:
        rng = self.rng
        members = list(family.members.all())
        months = max(1, (end - start).days // 30)
        for _ in range(months * rng.randint(1, 3)):
            kind = rng.choices(list(ContactKind), weights=[5, 4, 3, 1, 1])[0]
            contact = Contact(
                family=family,
                kind=kind,
                on=start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days))),
                minutes=rng.choice([15, 30, 45, 60, 90, 120]),
                accompanied_to=(
                    rng.choice(list(AccompanimentTo)) if kind == ContactKind.ACCOMPANIMENT else ""
                ),
                interpreter=rng.random() < 0.3,
                note=rng.choice(NOTES),
            )
            services.log_contact(actor, contact, rng.sample(members, rng.randint(1, len(members))))
