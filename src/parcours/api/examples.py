"""The example bodies of the OpenAPI document: each one is accepted as it is by a server with
the demo's project ("demo") and a file PT-2026-001 in it (tests/api/test_examples.py sends
them), so a newcomer can send them from the documentation page."""

from drf_spectacular.utils import OpenApiExample

REFERRAL = OpenApiExample(
    "A family of two referred by an organisation",
    request_only=True,
    value={
        "project": "demo",
        "referred_on": "2026-11-02",
        "referral_route": "referred_by_organisation",
        "referring_organisation": "Legal aid office",
        "languages": "Arabic, French",
        "interpreter_needed": True,
        "members": [
            {
                "role": "parent",
                "given_name": "Amina",
                "family_name": "Haddad",
                "birth_date": "1985-03-02",
                "sex": "female",
                "nationality": "IQ",
            },
            {
                "role": "child",
                "given_name": "Yusuf",
                "family_name": "Haddad",
                "birth_date": "2015",
                "sex": "male",
                "nationality": "IQ",
            },
        ],
    },
)

CONTACT = OpenApiExample(
    "A home visit of 45 minutes",
    request_only=True,
    value={"kind": "home_visit", "on": "2026-11-03", "minutes": 45, "interpreter": False},
)

ACTION_PATCH = OpenApiExample(
    "An action done",
    request_only=True,
    value={"status": "done", "outcome": "Appointment made at the legal aid office."},
)

SHEET = OpenApiExample(
    "A Baseline of PT-2026-001",
    request_only=True,
    value={
        "instrument": "baseline",
        "project": "demo",
        "case_number": "PT-2026-001",
        "instance_id": "uuid:0b7f2c61-5a0e-4d4b-9d7e-3c1f0a9e2b11",
        "answers": {
            "b01_dropout_risk": 2,
            "b02_self_reliance": 3,
            "b03_trust_authorities": 3,
            "b04_trust_lawyers": 4,
            "b05_informed": 3,
            "b06_agency": 3,
            "b07_eager_to_cooperate": 4,
            "b08_wellbeing": 3,
            "b09_vulnerability": 3,
            "b10_hope": 3,
            "b11_housing_quality": 2,
            "b12_social_network": 3,
            "b13_housing_stability": 2,
            "b14_detention_risk": 3,
        },
    },
)

WEBHOOK = OpenApiExample(
    "A data warehouse told of admissions and closures",
    request_only=True,
    value={
        "project": "demo",
        "url": "https://warehouse.example.org/parcours/events",
        "events": ["family.admitted", "family.closed"],
    },
)
