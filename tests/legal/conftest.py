import datetime

import pytest

from parcours.casework.choices import ProviderKind
from parcours.casework.models import ServiceProvider
from parcours.legal.models import DeadlineRule, Procedure

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def lawyer(project):
    return ServiceProvider.objects.create(
        organisation=project.organisation, kind=ProviderKind.LAWYER, name="Mtr. Peeters"
    )


@pytest.fixture
def rule():
    return lambda code: DeadlineRule.objects.get(country="BE", code=code)


@pytest.fixture
def refused_asylum(make_family):
    def make(**fields):
        family = fields.pop("family", None) or make_family("active")
        return Procedure.objects.create(
            family=family,
            type="asylum",
            status="refused",
            filed_on=datetime.date(2025, 1, 10),
            decided_on=datetime.date(2026, 3, 1),
            notified_on=datetime.date(2026, 3, 4),
            **fields,
        )

    return make
