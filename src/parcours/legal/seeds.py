"""The Belgian deadline rules (DOMAIN.md) and the kinds of document with their validity.

Created after every migrate when missing (like Django's content types), so a fresh database,
a test flush and a new country all get them; rows that exist are never overwritten, so what
coordinators edit stays as they left it.
"""

APPEALABLE = "asylum,subsequent,9bis,9ter,family_reunification,dublin"

RULES = [
    # code, types, on status, min, max, nl, fr, en
    (
        "appeal",
        APPEALABLE,
        "refused",
        30,
        30,
        "Beroep bij de RvV (30 dagen)",
        "Recours au CCE (30 jours)",
        "Appeal to the RvV/CCE (30 days)",
    ),
    (
        "appeal_detained",
        APPEALABLE,
        "refused",
        15,
        15,
        "Beroep bij de RvV, in detentie (15 dagen)",
        "Recours au CCE, en détention (15 jours)",
        "Appeal to the RvV/CCE, detained (15 days)",
    ),
    (
        "appeal_accelerated",
        APPEALABLE,
        "refused",
        10,
        10,
        "Beroep bij de RvV, versnelde procedure (10 dagen)",
        "Recours au CCE, procédure accélérée (10 jours)",
        "Appeal to the RvV/CCE, accelerated (10 days)",
    ),
    (
        "appeal_accelerated_short",
        APPEALABLE,
        "refused",
        5,
        5,
        "Beroep bij de RvV, versnelde procedure (5 dagen)",
        "Recours au CCE, procédure accélérée (5 jours)",
        "Appeal to the RvV/CCE, accelerated (5 days)",
    ),
    (
        "order_to_leave_30",
        "order_to_leave",
        "",
        30,
        30,
        "Bevel om het grondgebied te verlaten (30 dagen)",
        "Ordre de quitter le territoire (30 jours)",
        "Order to leave the territory (30 days)",
    ),
    (
        "order_to_leave_7_30",
        "order_to_leave",
        "",
        7,
        30,
        "Bevel om het grondgebied te verlaten (7 tot 30 dagen)",
        "Ordre de quitter le territoire (7 à 30 jours)",
        "Order to leave the territory (7 to 30 days)",
    ),
    (
        "order_to_leave_0_7",
        "order_to_leave",
        "",
        0,
        7,
        "Bevel om het grondgebied te verlaten (0 tot 7 dagen)",
        "Ordre de quitter le territoire (0 à 7 jours)",
        "Order to leave the territory (0 to 7 days)",
    ),
]

KINDS = [
    # code, months valid (None: until the expiry on the document), nl, fr, en
    ("passport", None, "Paspoort", "Passeport", "Passport"),
    ("identity_card", None, "Identiteitskaart", "Carte d'identité", "Identity card"),
    ("residence_card", None, "Verblijfskaart", "Carte de séjour", "Residence card"),
    ("birth_certificate", None, "Geboorteakte", "Acte de naissance", "Birth certificate"),
    ("decision", None, "Beslissing", "Décision", "Decision"),
    (
        "order_to_leave",
        None,
        "Bevel om het grondgebied te verlaten",
        "Ordre de quitter le territoire",
        "Order to leave the territory",
    ),
    ("support_letter", 6, "Steunbrief", "Lettre de soutien", "Support letter"),
    ("medical_certificate", 3, "Medisch attest", "Certificat médical", "Medical certificate"),
    ("school_certificate", 12, "Schoolattest", "Attestation scolaire", "School certificate"),
    ("proof_of_address", 3, "Bewijs van adres", "Preuve d'adresse", "Proof of address"),
    (
        "lawyer_letter",
        None,
        "Brief van de advocaat",
        "Lettre de l'avocat",
        "Letter from the lawyer",
    ),
    ("other", None, "Ander document", "Autre document", "Other document"),
]


def ensure(sender=None, using="default", **kwargs):
    from parcours.legal.models import DeadlineRule, DocumentKind

    for code, types, status, low, high, nl, fr, en in RULES:
        DeadlineRule.objects.using(using).get_or_create(
            country="BE",
            code=code,
            defaults={
                "procedure_types": types,
                "on_status": status,
                "min_days": low,
                "max_days": high,
                "label_nl": nl,
                "label_fr": fr,
                "label_en": en,
            },
        )
    for position, (code, months, nl, fr, en) in enumerate(KINDS):
        DocumentKind.objects.using(using).get_or_create(
            code=code,
            defaults={
                "validity_months": months,
                "label_nl": nl,
                "label_fr": fr,
                "label_en": en,
                "position": position,
            },
        )
