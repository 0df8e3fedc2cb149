"""Sign-in with a second factor, and setting the second factor up."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _

from parcours.accounts import twofactor

CODE_WIDGET = forms.TextInput(
    attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
)
# At sign-in a recovery code (letters too) may stand in for the app's six digits.
SIGN_IN_CODE_WIDGET = forms.TextInput(
    attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
)


class SignInForm(AuthenticationForm):
    """Name, password and the code from the app, checked together.

    Whatever is wrong, the answer is the same sentence, so a wrong code never tells whether
    the password was right; a wrong code counts as a failed sign-in for django-axes.
    """

    code = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("Six digits, or one of your recovery codes. Leave empty the first time."),
        required=False,
        max_length=20,
        widget=SIGN_IN_CODE_WIDGET,
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The name, password or code is not right. Check them and try again; after "
            "several failed attempts signing in is paused for a while."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.otp_device = None
        # The code field is shown where a second factor is asked of everyone; elsewhere (the
        # demo) only to someone who set one up, once their password is right.
        self.asks_code = twofactor.required() or bool(self.data.get("code"))

    def clean(self):
        data = super().clean()  # the password, through django-axes
        user = self.user_cache
        if user is None or not twofactor.enrolled_device(user):
            return data  # no second factor yet: the enrolment page follows
        if not self.asks_code:
            self.asks_code = True
            raise forms.ValidationError(
                _("Your account asks for the code from your authenticator app too."),
                code="code_needed",
            )
        self.otp_device = twofactor.verify(user, data.get("code", ""))
        if self.otp_device is None:
            user_login_failed.send(
                sender=__name__,
                credentials={"username": data.get("username")},
                request=self.request,
            )
            self.user_cache = None
            raise self.get_invalid_login_error()
        return data


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"), max_length=12, widget=CODE_WIDGET
    )
