"""Coded vocabularies of casework. Codes are stable; labels translate."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactKind(models.TextChoices):
    HOME_VISIT = "home_visit", _("home visit")
    PHONE_CALL = "phone_call", _("phone call")
    MESSAGE = "message", _("message or e-mail")
    OFFICE_MEETING = "office_meeting", _("meeting at the office")
    ACCOMPANIMENT = "accompaniment", _("accompaniment")


class AccompanimentTo(models.TextChoices):
    LAWYER = "lawyer", _("to a lawyer")
    EMBASSY = "embassy", _("to an embassy")
    COURT = "court", _("to a court")
    AUTHORITY = "authority", _("to an authority")
    SERVICE = "service", _("to another service")


class ActionActor(models.TextChoices):
    FAMILY = "family", _("the family")
    CASE_MANAGER = "case_manager", _("the case manager")
    LAWYER = "lawyer", _("the lawyer")
    SERVICE = "service", _("another service")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")
    DROPPED = "dropped", _("dropped")


class ConsentPurpose(models.TextChoices):
    CASE_MANAGEMENT = "case_management", _("case management")
    SHARE_WITH_PROVIDER = "share_with_provider", _("sharing with a named lawyer or service")
    EVALUATION = "evaluation", _("evaluation")


class ProviderKind(models.TextChoices):
    LAWYER = "lawyer", _("lawyer")
    PSYCHOLOGIST = "psychologist", _("psychologist")
    DOCTOR = "doctor", _("doctor")
    CHILDRENS_RIGHTS = "childrens_rights", _("Children's Rights Commissioner")
    SOCIAL_SERVICES = "social_services", _("social services")
    SCHOOL = "school", _("school")
    HOUSING = "housing", _("housing")
    EMBASSY = "embassy", _("embassy")
    OTHER = "other", _("other")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("sent")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    COMPLETED = "completed", _("completed")
    CANCELLED = "cancelled", _("cancelled")
