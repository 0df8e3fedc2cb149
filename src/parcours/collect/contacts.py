"""The Contact form phones fill offline (ODK Collect, Enketo): the contact log, the thing case
managers do most, where there is no network. Its XLSForm lives beside the instruments
(instruments/forms/contact.xlsx, labels in nl/fr/en, versioned in its settings sheet). A
submission is checked by the page's own form and logged by the casework service, as from the
phone; its instanceID keeps a resend from being logged twice."""

import functools

from django.db import transaction
from django.utils.translation import gettext as _

from parcours.cases.choices import PersonRole
from parcours.casework.forms import ContactForm
from parcours.casework.models import Contact
from parcours.casework.services import CaseworkError, log_contact
from parcours.collect.openrosa import SubmissionError
from parcours.instruments.models import FORMS_DIR

CONTACT = "contact"
# Who was there, as the phone (which holds no names) says it.
WITH_WHOM = {
    "parents": (PersonRole.PARENT,),
    "children": (PersonRole.CHILD,),
    "others": (PersonRole.OTHER,),
}


@functools.cache
def xlsform() -> bytes:
    return (FORMS_DIR / f"{CONTACT}.xlsx").read_bytes()


@functools.cache
def version() -> str:
    import io

    from openpyxl import load_workbook  # here: commands that serve no phone do not load it

    settings = load_workbook(io.BytesIO(xlsform()), read_only=True)["settings"]
    header, values = list(settings.iter_rows(min_row=1, max_row=2, values_only=True))
    return str(dict(zip(header, values, strict=False))["version"])


@transaction.atomic
def receive_contact(actor, family, submission) -> bool:
    """Log the contact a phone sent; False when it was logged already (a resend)."""
    if submission.version != version():
        raise SubmissionError(
            _("Version %(version)s of this form is not known here. Get the blank forms again.")
            % {"version": submission.version or "?"}
        )
    if (
        submission.instance_id
        and Contact.objects.filter(family=family, instance_id=submission.instance_id).exists()
    ):
        return False
    if (
        submission.edits
        and Contact.objects.filter(family=family, instance_id=submission.edits).exists()
    ):
        # Stored as a second contact otherwise: a contact is corrected where it is read.
        raise SubmissionError(
            _("A contact sent already is corrected on the family page, not from the phone."),
            status=409,
        )
    answers = submission.answers
    roles = [r for code in answers.get("with_whom", "").split() for r in WITH_WHOM.get(code, ())]
    present = [p.pk for p in family.members.filter(role__in=roles)]
    form = ContactForm(
        {
            "kind": answers.get("kind", ""),
            "accompanied_to": answers.get("accompanied_to", ""),
            "on": answers.get("on", ""),
            "minutes": answers.get("minutes", ""),
            "present": present,
            "interpreter": answers.get("interpreter") == "yes",
            "note": answers.get("note", ""),
        },
        family=family,
    )
    if not form.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
        raise SubmissionError(_("The contact cannot be logged: %(errors)s") % {"errors": problems})
    contact = form.save(commit=False)
    contact.family = family
    contact.instance_id = submission.instance_id
    try:
        log_contact(actor, contact, form.cleaned_data["present"])
    except CaseworkError as error:
        raise SubmissionError(str(error), status=409) from None
    return True
