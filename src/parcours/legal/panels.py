"""What the family page shows of the legal dossier."""

from parcours.legal.models import Document, Procedure

OPEN = ("preparing", "filed", "pending", "admissible")


def legal_panel(family, today) -> dict:
    procedures = list(
        Procedure.objects.filter(family=family).select_related("deadline_rule", "lawyer", "person")
    )
    for procedure in procedures:
        deadline = procedure.deadline
        procedure.days_left = (deadline - today).days if deadline else None
    documents = Document.objects.filter(family=family).select_related("kind", "person")
    expiring = [d for d in documents if d.valid_until and (d.valid_until - today).days <= 60]
    return {
        "procedures": [p for p in procedures if p.status in OPEN or p.days_left is not None],
        "expiring_documents": expiring,
    }
