import datetime

import pytest

from parcours.casework.choices import ConsentPurpose, ProviderKind
from parcours.casework.models import Consent, ServiceProvider


@pytest.fixture
def lawyer(project):
    return ServiceProvider.objects.create(
        organisation=project.organisation, kind=ProviderKind.LAWYER, name="Mtr. Peeters"
    )


@pytest.fixture
def consent_to_lawyer(lawyer, case_manager):
    def give(family, on=datetime.date(2026, 2, 2)):
        return Consent.objects.create(
            family=family,
            purpose=ConsentPurpose.SHARE_WITH_PROVIDER,
            provider=lawyer,
            given_on=on,
            recorded_by=case_manager,
        )

    return give
