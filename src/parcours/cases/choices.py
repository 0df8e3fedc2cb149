"""Coded vocabularies of the case file (DOMAIN.md). Codes are stable; labels translate."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FamilyStatus(models.TextChoices):
    REFERRED = "referred", _("referred")
    SCREENING = "screening", _("screening")
    ACTIVE = "active", _("active")
    PAUSED = "paused", _("paused")
    CLOSED = "closed", _("closed")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")


class ReferralRoute(models.TextChoices):
    FROM_DETENTION = "from_detention", _("from detention")
    FROM_COMMUNITY = "from_community", _("from the community")
    REFERRED_BY_ORGANISATION = "referred_by_organisation", _("referred by an organisation")
    SELF_REFERRAL = "self_referral", _("self-referral")
    FAMILY_MEMBER = "family_member", _("by a family member")
    OTHER = "other", _("other")


class StatusAtEntry(models.TextChoices):
    ASYLUM_SEEKER = "asylum_seeker", _("applicant for international protection")
    RESIDENCE_OTHER_EU = "residence_other_eu", _("residence right in another EU state")
    TOURIST_VISA = "tourist_visa", _("tourist visa")
    UNDOCUMENTED = "undocumented", _("no legal residence")


class ProcedureStatus(models.TextChoices):
    REGULARISATION = "regularisation", _("humanitarian regularisation (9bis)")
    ASYLUM = "asylum", _("asylum")
    INTERRUPTED = "interrupted", _("interrupted")
    NO_PROCEDURE = "no_procedure", _("no procedure")
    RESIDENCE_GRANTED = "residence_granted", _("residence granted")
    STATELESSNESS = "statelessness", _("statelessness")


class HousingKind(models.TextChoices):
    RENTED = "rented", _("rented home")
    FAMILY_OR_FRIENDS = "family_or_friends", _("with family or friends")
    HOSTED_BY_VOLUNTEERS = "hosted", _("hosted by volunteers or an organisation")
    SHELTER = "shelter", _("shelter or reception")
    OCCUPATION = "occupation", _("squat or occupied building")
    NO_HOME = "no_home", _("no home")
    OTHER = "other", _("other")


class HousingStability(models.TextChoices):
    STABLE = "stable", _("stable")
    UNCERTAIN = "uncertain", _("uncertain")
    AT_RISK = "at_risk", _("at risk of losing it")


class Livelihood(models.TextChoices):
    INFORMAL_WORK = "informal_work", _("informal work")
    SUPPORT_NETWORK = "support_network", _("support network")
    CHARITY = "charity", _("charity or NGO aid")
    PUBLIC_ASSISTANCE = "public_assistance", _("public assistance")
    NONE = "none", _("no income")
    OTHER = "other", _("other")


class Resolution(models.TextChoices):
    STAY_PERMANENT = "stay_permanent", _("legal stay in the country (permanent)")
    STAY_TEMPORARY = "stay_temporary", _("legal stay in the country (temporary)")
    STAY_OTHER_EU = "stay_other_eu", _("legal stay in another EU state")
    VOLUNTARY_RETURN = "voluntary_return", _("voluntary return")
    NONE = "none", _("none")


class EngagementAtClosure(models.TextChoices):
    REMAINED_ENGAGED = "remained_engaged", _("remained engaged")
    STOPPED = "stopped_participating", _("stopped participating")
    ABSCONDED = "absconded", _("absconded")
    REMOVED = "removed", _("removed")
    RE_DETAINED = "re_detained", _("re-detained")


class PersonRole(models.TextChoices):
    PARENT = "parent", _("parent")
    CHILD = "child", _("child")
    OTHER = "other", _("other family member")


class Sex(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")
    OTHER = "other", _("other")
    UNKNOWN = "unknown", _("unknown")


class Assessment(models.TextChoices):
    MET = "met", _("met")
    NOT_MET = "not_met", _("not met")
    UNCLEAR = "unclear", _("unclear")


STATELESS = "stateless"
UNKNOWN = "unknown"
_NO_COUNTRY = {STATELESS: _("stateless"), UNKNOWN: _("unknown")}


def nationality_label(code: str) -> str:
    """One nationality's name in the active language. Looked up alone: the choices list
    sorts every country's translated name, 2 ms each time a household member is shown."""
    from django_countries import countries

    if code in _NO_COUNTRY:
        return str(_NO_COUNTRY[code])
    return countries.name(code) or code


def nationality_choices():
    """ISO 3166 countries in the active language, then stateless and unknown."""
    from django_countries import countries

    return [
        ("", "---------"),
        *_NO_COUNTRY.items(),
        *((code, name) for code, name in countries),
    ]
