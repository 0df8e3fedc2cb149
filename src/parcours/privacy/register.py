"""The register of the fields that hold personal data: what each is for, whether it is sealed.

This is code, not a document: ``parcours privacy-register`` prints it, and a test fails when a
text field of a model that belongs to a family's file is in neither list below. Whether a field
is encrypted is read from the field itself, never typed here.
"""

from dataclasses import dataclass

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from parcours.privacy.fields import EncryptedTextField

# Purposes (GDPR art. 30): why Parcours holds the data.
CASEWORK = _("case management: accompanying the family towards a durable solution")
CONTACT = _("reaching the family and the people who referred it")
LEGAL = _("the legal dossier: the family's procedures, history and documents")
EVALUATION = _("evaluation of the programme (pseudonymised for evaluators)")
IDENTIFY = _("telling the family's members apart and finding a file by name")
STAFF = _("signing in and recording who did what")

# Categories of data.
IDENTITY = _("identity")
CONTACT_DATA = _("contact details")
MIGRATION = _("migration and legal situation")
HEALTH_AND_VULNERABILITY = _("vulnerabilities and health (special category)")
SOCIAL = _("social and family situation")
NOTES = _("case notes (free text)")
ACCOUNT = _("staff account")

# "app.Model.field": (category, purpose)
PERSONAL = {
    "cases.Family.referring_organisation": (SOCIAL, CASEWORK),
    "cases.Family.referrer_name": (CONTACT_DATA, CONTACT),
    "cases.Family.referrer_contact": (CONTACT_DATA, CONTACT),
    "cases.Family.referral_notes": (NOTES, CASEWORK),
    "cases.Family.address": (CONTACT_DATA, CONTACT),
    "cases.Family.phone": (CONTACT_DATA, CONTACT),
    "cases.Family.email": (CONTACT_DATA, CONTACT),
    "cases.Family.languages": (SOCIAL, CASEWORK),
    "cases.Family.support_network": (SOCIAL, CASEWORK),
    "cases.Person.given_name": (IDENTITY, IDENTIFY),
    "cases.Person.family_name": (IDENTITY, IDENTIFY),
    "cases.Person.birth_date": (IDENTITY, CASEWORK),
    "cases.Person.minority": (HEALTH_AND_VULNERABILITY, CASEWORK),
    "cases.NameToken.digest": (IDENTITY, IDENTIFY),
    "cases.ScreeningAssessment.note": (NOTES, CASEWORK),
    "cases.StatusChange.reason": (NOTES, CASEWORK),
    "cases.Cover.reason": (NOTES, CASEWORK),
    "cases.AssignmentChange.note": (NOTES, CASEWORK),
    "cases.Flag.note": (NOTES, CASEWORK),
    "cases.Flag.removal_reason": (NOTES, CASEWORK),
    "cases.Approval.note": (NOTES, CASEWORK),
    "cases.Approval.comment": (NOTES, CASEWORK),
    "rights.Hold.reason": (NOTES, CASEWORK),
    "casework.Contact.note": (NOTES, CASEWORK),
    "casework.CasePlan.strengths": (NOTES, CASEWORK),
    "casework.CasePlan.needs": (NOTES, CASEWORK),
    "casework.CasePlan.obstacles": (NOTES, CASEWORK),
    "casework.Action.description": (NOTES, CASEWORK),
    "casework.Action.outcome": (NOTES, CASEWORK),
    "casework.Review.progress": (NOTES, CASEWORK),
    "casework.Review.plan_changes": (NOTES, CASEWORK),
    "casework.ServiceReferral.reason": (NOTES, CASEWORK),
    "casework.ServiceReferral.outcome": (NOTES, CASEWORK),
    "legal.Procedure.reference": (MIGRATION, LEGAL),
    "legal.Procedure.outcome": (MIGRATION, LEGAL),
    "legal.Document.description": (MIGRATION, LEGAL),
    "legal.Document.file_name": (MIGRATION, LEGAL),
    "legal.TimelineEvent.description": (MIGRATION, LEGAL),
    "instruments.Response.correction_reason": (NOTES, EVALUATION),
    "instruments.Answer.text": (NOTES, EVALUATION),
    # Staff and professionals: not a family's file, kept for the same review.
    "accounts.User.username": (ACCOUNT, STAFF),
    "accounts.User.first_name": (ACCOUNT, STAFF),
    "accounts.User.last_name": (ACCOUNT, STAFF),
    "accounts.User.email": (ACCOUNT, STAFF),
    "accounts.AuthenticatorApp.key": (ACCOUNT, STAFF),
    "sso.ProviderLink.subject": (ACCOUNT, STAFF),
    "sso.ProviderLink.refresh_token": (ACCOUNT, STAFF),
}

# Coded or technical text fields of a family's file, with why they are not identifying on
# their own. Coded values are what the reports count.
NOT_PERSONAL = {
    "cases.Family.case_number": _("a number the project gives; it names nobody"),
    "cases.Family.status": _("a code"),
    "cases.Family.referral_route": _("a code"),
    "cases.Family.housing_kind": _("a code"),
    "cases.Family.housing_stability": _("a code"),
    "cases.Family.livelihood": _("a code"),
    "cases.Family.status_at_entry": _("a code"),
    "cases.Family.procedure_status": _("a code"),
    "cases.Family.resolution": _("a code"),
    "cases.Family.engagement_at_closure": _("a code"),
    "cases.Person.role": _("a code"),
    "cases.Person.sex": _("a code"),
    "cases.Person.nationality": _("a country code, counted in reports"),
    "cases.Person.country_of_birth": _("a country code, counted in reports"),
    "cases.Person.age_band": _("a band of years (pooled network data)"),
    "cases.Person.years_band": _("a band of years (pooled network data)"),
    "cases.ReckonedAge.band": _("a band of years on one day, worked out for the reports"),
    "cases.NameToken.kind": _("a code: a word, its first letters or its sound"),
    "cases.PossibleDuplicate.decision": _("a code"),
    "cases.ScreeningAssessment.result": _("a code"),
    "cases.StatusChange.from_status": _("a code"),
    "cases.StatusChange.to_status": _("a code"),
    "cases.StatusChange.transition": _("a code"),
    "cases.AssignmentChange.kind": _("a code"),
    "cases.Approval.kind": _("a code"),
    "cases.FamilyFigures.status": _("a code, counted on the dashboard"),
    "cases.FamilyFigures.resolution": _("a code, counted on the dashboard"),
    "instruments.BaselineScore.code": _("the code of a Baseline item, counted in the report"),
    "instruments.LatestSheet.instrument": _("a code"),
    "cases.Approval.decision": _("a code"),
    "cases.Approval.details": _("the date and codes of a closure asked for"),
    "casework.Contact.kind": _("a code"),
    "casework.Contact.accompanied_to": _("a code"),
    "casework.Action.actor": _("a code"),
    "casework.Action.status": _("a code"),
    "casework.Consent.purpose": _("a code"),
    "casework.ServiceReferral.status": _("a code"),
    "legal.Procedure.type": _("a code"),
    "legal.Procedure.authority": _("a code"),
    "legal.Procedure.status": _("a code"),
    "legal.Document.status": _("a code"),
    "legal.Document.file_key": _("a random file name on disk"),
    "legal.Document.file_type": _("a media type"),
    "legal.TimelineEvent.precision": _("a code"),
    "legal.TimelineEvent.kind": _("a code"),
    "instruments.Response.instrument": _("a code"),
    "instruments.Response.status": _("a code"),
    "instruments.Response.fingerprint": _("a hash of the answers (re-import check)"),
    "instruments.Response.instance_id": _("the random ID ODK or KoboToolbox gave the submission"),
    "instruments.Answer.code": _("the question's code"),
    "instruments.Answer.value": _("a coded answer or a number, counted in reports"),
    "casework.Contact.instance_id": _("the random ID ODK Collect gave the submission"),
    "notify.Notification.kind": _("a code"),
    "notify.Notification.case_number": _("a number the project gives; it names nobody"),
    "notify.Notification.params": _("codes, dates and counts of what happened, never a name"),
    "notify.Notification.link": _("a path on this site"),
    "notify.Notification.key": _("codes and ids that keep one reminder from being sent twice"),
    "notify.Message.channel": _("a code"),
    "notify.Message.kind": _("a code"),
    "notify.Message.key": _("codes and ids that keep one mail from being sent twice"),
    "notify.Message.payload": _("codes, dates and case numbers of a digest, never a name"),
    "notify.Message.status": _("a code"),
    "notify.Message.leased_by": _("the name of the worker sending it"),
    "notify.Message.last_error": _("what the mail server answered"),
    "notify.DeliveryAttempt.error": _("what the receiving system answered, cut short"),
}

# Personal fields kept readable, and why (everything else personal is encrypted).
PLAIN_BECAUSE = {
    "cases.NameToken.digest": _(
        "a keyed hash of a name's word, its first letters or its sound, for search; it cannot "
        "be reversed"
    ),
    "accounts.User.username": _("staff sign in with it"),
    "accounts.User.first_name": _("staff, shown beside their work"),
    "accounts.User.last_name": _("staff, shown beside their work"),
    "accounts.User.email": _("staff"),
    "sso.ProviderLink.subject": _(
        "the organisation's opaque id of a staff member, looked up at sign-in"
    ),
}


@dataclass(frozen=True)
class Entry:
    label: str
    model: str
    field: str
    verbose_name: str
    category: str
    purpose: str
    encrypted: bool


def entries() -> list[Entry]:
    """The register, each field looked up in the code (a missing one raises)."""
    rows = []
    for label, (category, purpose) in PERSONAL.items():
        app_model, name = label.rsplit(".", 1)
        field = apps.get_model(app_model)._meta.get_field(name)
        rows.append(
            Entry(
                label=label,
                model=str(field.model._meta.verbose_name),
                field=name,
                verbose_name=str(field.verbose_name),
                category=str(category),
                purpose=str(purpose),
                encrypted=isinstance(field, EncryptedTextField),
            )
        )
    return rows


# What the register of processing (GDPR art. 30) says beyond the fields: who receives data,
# how long it is kept, how it is protected. Each line states what the code does.
RECIPIENTS = [
    (
        _("a lawyer or service named in the family's consent to share"),
        _("the dossier overview (PDF) and referrals, only while that consent is in force"),
    ),
    (
        _("evaluators of the organisation's projects"),
        _(
            "coded answers under a pseudonym and free text a coordinator released, only for "
            "families whose consent to evaluation is in force; never names or contact details"
        ),
    ),
    (
        _("the evaluation network"),
        _(
            "a signed, pseudonymised dataset (months not dates, ages in bands, coded answers, no "
            "free text), only of families whose consent to evaluation is in force"
        ),
    ),
    (
        _("immigration authorities or any other third party"),
        _("none: Parcours has no connection to them and sends nothing anywhere by default"),
    ),
]

RETENTION = [
    _(
        "Family files are kept while the case is open and for the project's retention period "
        "after it ends (5 years unless the project sets another), then erased; a coordinator "
        "may hold a file longer, with a reason, or erase it sooner on request."
    ),
    _("The audit trail is kept for as long as the files it describes, and cannot be edited."),
    _("Staff accounts are kept while the person works with Parcours."),
    _(
        "Backups are kept for five weeks; a restore from one brings back files erased after "
        "it was made, and those erasures are done again."
    ),
]

SECURITY = [
    _(
        "Personal fields encrypted with AES-256-GCM, each value bound to its table, column "
        "and row; keys kept outside the database, rotated by command."
    ),
    _(
        "Two-factor sign-in for every role; sign-in paused after repeated failures; sessions "
        "end when idle and at a maximum length."
    ),
    _(
        "One visibility gate: a person sees only the families of their role and assignment, "
        "anyone else gets 'not found'."
    ),
    _(
        "Every page that reads a file and every change is in an append-only audit trail "
        "chained with a key and checked by parcours verify-audit."
    ),
    _(
        "A strict Content Security Policy, no third-party code or tracking, HTTPS with HSTS "
        "in production."
    ),
    _(
        "Spreadsheets written so that no cell runs as a formula; uploads and imports checked "
        "before they are read."
    ),
    _(
        "Nightly backups of the database and the files in one archive sealed for a backup key "
        "kept apart from the server; each restore checked table by table, and drilled monthly."
    ),
]


def processing_register() -> dict:
    """The register of processing, in the active language, built from the field register."""
    categories: dict[str, dict] = {}
    for entry in entries():
        group = categories.setdefault(entry.category, {"purposes": [], "fields": []})
        if entry.purpose not in group["purposes"]:
            group["purposes"].append(entry.purpose)
        group["fields"].append(entry)
    return {
        "categories": [
            {"category": name, "purposes": g["purposes"], "fields": g["fields"]}
            for name, g in categories.items()
        ],
        "recipients": [(str(who), str(what)) for who, what in RECIPIENTS],
        "retention": [str(line) for line in RETENTION],
        "security": [str(line) for line in SECURITY],
    }
