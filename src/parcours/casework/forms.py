"""Casework forms. Each check names its field; nothing is saved on error."""

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from parcours.cases.forms import DATE, limit_to_members, not_in_future
from parcours.cases.models import today
from parcours.casework.choices import ActionStatus, ContactKind
from parcours.casework.models import (
    MAX_CONTACT_MINUTES,
    Action,
    CasePlan,
    Consent,
    Contact,
    Review,
    ServiceProvider,
    ServiceReferral,
)
from parcours.versioning import VersionedForm

_TEXT = forms.Textarea(attrs={"rows": 3})


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["kind", "accompanied_to", "on", "minutes", "present", "interpreter", "note"]
        widgets = {
            "on": DATE,
            "present": forms.CheckboxSelectMultiple,
            "note": _TEXT,
            "minutes": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
        }

    def __init__(self, *args, family, **kwargs):
        super().__init__(*args, **kwargs)
        limit_to_members(self, family, "present")
        self.fields["on"].initial = today

    def clean_minutes(self):
        minutes = self.cleaned_data.get("minutes")
        if minutes is not None and not 1 <= minutes <= MAX_CONTACT_MINUTES:
            raise forms.ValidationError(
                _("Give a duration between 1 and %(max)s minutes.") % {"max": MAX_CONTACT_MINUTES}
            )
        return minutes

    def clean(self):
        data = super().clean()
        not_in_future(self, "on")
        if data.get("kind") == ContactKind.ACCOMPANIMENT and not data.get("accompanied_to"):
            self.add_error("accompanied_to", _("Say where the family was accompanied."))
        if data.get("kind") != ContactKind.ACCOMPANIMENT:
            data["accompanied_to"] = ""
        return data


class PlanForm(VersionedForm):
    class Meta:
        model = CasePlan
        fields = ["strengths", "needs", "obstacles"]
        widgets = dict.fromkeys(fields, _TEXT)


class ActionForm(VersionedForm):
    class Meta:
        model = Action
        fields = ["description", "actor", "concerns", "due_on", "status", "outcome"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "due_on": DATE,
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, family, **kwargs):
        super().__init__(*args, **kwargs)
        limit_to_members(self, family, "concerns")
        if self.instance._state.adding:
            del self.fields["status"], self.fields["outcome"]

    def clean(self):
        data = super().clean()
        if data.get("status") == ActionStatus.DROPPED and not data.get("outcome"):
            self.add_error("outcome", _("Say why the action was dropped."))
        return data


class ReviewForm(VersionedForm):
    class Meta:
        model = Review
        fields = ["held_on", "progress", "plan_changes", "baseline"]
        widgets = {"held_on": DATE, "progress": _TEXT, "plan_changes": _TEXT}

    def __init__(self, *args, family, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = today
        # The baseline scored again for this review: one of this family's submitted ones.
        self.fields["baseline"].queryset = family.responses.filter(
            instrument="baseline", status="submitted"
        ).order_by("-submitted_at")
        self.fields["baseline"].label_from_instance = lambda r: date_format(
            timezone.localtime(r.submitted_at), "SHORT_DATE_FORMAT"
        )

    def clean(self):
        data = super().clean()
        not_in_future(self, "held_on")
        return data


class ConsentForm(VersionedForm):
    class Meta:
        model = Consent
        fields = ["purpose", "provider", "given_on"]
        widgets = {"given_on": DATE}

    def __init__(self, *args, family, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].help_text = _(
            "Evaluation: the family's sheets reach evaluators (under a pseudonym) only while "
            "this consent is in force; withdrawing it removes the family from what they see "
            "from then on."
        )
        self.fields["provider"].queryset = providers_for(family.project.organisation_id)
        self.fields["given_on"].initial = today

    def clean(self):
        data = super().clean()
        not_in_future(self, "given_on")
        return data


class WithdrawConsentForm(forms.Form):
    withdrawn_on = forms.DateField(
        label=_("Withdrawn on"),
        widget=DATE,
        initial=today,
        help_text=_(
            "A consent to evaluation withdrawn: from then on evaluators no longer see the "
            "family's sheets, and they leave no export for outside readers."
        ),
    )

    def clean_withdrawn_on(self):
        value = self.cleaned_data["withdrawn_on"]
        if value > today():
            raise forms.ValidationError(_("This date is in the future."))
        return value


class ServiceReferralForm(VersionedForm):
    class Meta:
        model = ServiceReferral
        fields = ["provider", "referred_on", "reason"]
        widgets = {"referred_on": DATE, "reason": _TEXT}

    def __init__(self, *args, family, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers_for(family.project.organisation_id)
        self.fields["referred_on"].initial = today

    def clean(self):
        data = super().clean()
        not_in_future(self, "referred_on")
        return data


class ServiceReferralUpdateForm(VersionedForm):
    class Meta:
        model = ServiceReferral
        fields = ["status", "outcome"]
        widgets = {"outcome": _TEXT}


class ProviderForm(VersionedForm):
    class Meta:
        model = ServiceProvider
        fields = ["kind", "name", "office", "phone", "email", "address", "notes", "active"]
        widgets = {"notes": _TEXT}


def providers_for(organisation_id: int):
    return ServiceProvider.objects.filter(organisation_id=organisation_id, active=True)
