"""The reasons a new project offers for flagging a file; each project edits its own list."""

DEFAULT_FLAG_REASONS = [
    ("safeguarding", "Zorg om veiligheid", "Préoccupation de protection", "Safeguarding concern"),
    ("medical", "Medische urgentie", "Urgence médicale", "Medical urgency"),
    (
        "losing_contact",
        "Risico op verlies van contact",
        "Risque de perte de contact",
        "Risk of losing contact",
    ),
    ("legal_emergency", "Juridische noodsituatie", "Urgence juridique", "Legal emergency"),
]
