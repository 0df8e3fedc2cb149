"""Coded vocabularies of the legal dossier (DOMAIN.md, "Belgian procedures")."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProcedureType(models.TextChoices):
    ASYLUM = "asylum", _("application for international protection")
    SUBSEQUENT = "subsequent", _("subsequent application")
    REGULARISATION_9BIS = "9bis", _("humanitarian regularisation (9bis)")
    MEDICAL_9TER = "9ter", _("medical regularisation (9ter)")
    FAMILY_REUNIFICATION = "family_reunification", _("family reunification")
    STATELESSNESS = "statelessness", _("statelessness")
    APPEAL = "appeal", _("appeal to the Council for Alien Law Litigation")
    COUNCIL_OF_STATE = "council_of_state", _("Council of State")
    DUBLIN = "dublin", _("Dublin procedure")
    ORDER_TO_LEAVE = "order_to_leave", _("order to leave the territory")
    VOLUNTARY_RETURN = "voluntary_return", _("voluntary return")
    OTHER_EU = "other_eu", _("residence right in another EU state")
    OTHER = "other", _("other")


class Authority(models.TextChoices):
    IMMIGRATION_OFFICE = "immigration_office", _("Immigration Office (DVZ/OE)")
    CGRS = "cgrs", _("Commissioner General for Refugees and Stateless Persons (CGVS/CGRA)")
    APPEAL_COURT = "appeal_court", _("Council for Alien Law Litigation (RvV/CCE)")
    COUNCIL_OF_STATE = "council_of_state", _("Council of State")
    FAMILY_COURT = "family_court", _("family court")
    FEDASIL = "fedasil", _("Fedasil / IOM")
    MUNICIPALITY = "municipality", _("municipality")
    OTHER_STATE = "other_state", _("authority of another state")
    OTHER = "other", _("other")


class ProcedureStatus(models.TextChoices):
    # In their own context: French says a procedure's status without agreeing with its kind
    # (une demande, un recours), so it uses nouns where English uses a participle.
    PREPARING = "preparing", pgettext_lazy("procedure status", "preparing")
    FILED = "filed", pgettext_lazy("procedure status", "filed")
    PENDING = "pending", pgettext_lazy("procedure status", "pending")
    ADMISSIBLE = "admissible", pgettext_lazy("procedure status", "admissible")
    GRANTED = "granted", pgettext_lazy("procedure status", "granted")
    REFUSED = "refused", pgettext_lazy("procedure status", "refused")
    WITHDRAWN = "withdrawn", pgettext_lazy("procedure status", "withdrawn")
    INTERRUPTED = "interrupted", pgettext_lazy("procedure status", "interrupted")


class Precision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")
    APPROXIMATE = "approximate", _("approximate")


class EventKind(models.TextChoices):
    ARRIVAL = "arrival", _("arrival")
    VISA_ISSUED = "visa_issued", _("visa issued")
    VISA_EXPIRED = "visa_expired", _("visa expired")
    APPLICATION = "application", _("application")
    INTERVIEW = "interview", _("interview")
    DECISION = "decision", _("decision")
    APPEAL = "appeal", _("appeal")
    ORDER_TO_LEAVE = "order_to_leave", _("order to leave")
    DETENTION_START = "detention_start", _("detention start")
    DETENTION_END = "detention_end", _("detention end")
    RETURN_HOUSE = "return_house", _("return-house stay")
    RELEASE = "release", _("release")
    LAWYER_CHANGE = "lawyer_change", _("lawyer change")
    DOCUMENT_ISSUED = "document_issued", _("document issued")
    DOCUMENT_EXPIRED = "document_expired", _("document expired")
    ADDRESS_CHANGE = "address_change", _("address change")
    BIRTH = "birth", _("birth")
    OTHER = "other", _("other")


class DocumentStatus(models.TextChoices):
    PRESENT = "present", _("in the file")
    REQUESTED = "requested", _("requested")
    MISSING = "missing", _("missing")
