"""The seed's seven admission criteria (Plan Together), the default for a new project."""

DEFAULT_CRITERIA = [
    (
        "children_under_18",
        "Gezin met kinderen onder de 18 jaar",
        "Famille avec des enfants de moins de 18 ans",
        "Family with children under 18",
    ),
    (
        "no_legal_residence",
        "Zonder wettig verblijf",
        "Sans séjour légal",
        "No legal residence",
    ),
    ("detention_risk", "Risico op detentie", "Risque de détention", "Risk of detention"),
    (
        "stable_housing",
        "Toegang tot stabiele huisvesting",
        "Accès à un logement stable",
        "Access to stable housing",
    ),
    (
        "no_serious_criminal_record",
        "Geen ernstig strafblad",
        "Pas de casier judiciaire grave",
        "No serious criminal record",
    ),
    (
        "willing_to_engage",
        "Bereidheid tot engagement en samenwerking met de casemanagers",
        "Volonté de s'engager et de coopérer avec les case managers",
        "Willingness to engage and cooperate with the case managers",
    ),
    (
        "no_serious_health_problems",
        "Geen ernstige medische of psychologische problemen",
        "Pas de problèmes médicaux ou psychologiques graves",
        "No serious medical or psychological problems",
    ),
]
