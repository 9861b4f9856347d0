"""Forms of the accounts app's web pages (allauth's sign-up extension, the
profile page). The sign-in form is in ``login_form.py``: allauth imports this
module while it defines its own forms, so nothing here may import them."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ClearanceLevel
from .sign_in_notice import NOTICE_FIELD, notice_field, sign_in_notice_blocks

NAME_MAX = 150


class SignupNameForm(forms.Form):
    """Sign-up asks the learner's name, as printed on their certificates
    (``ACCOUNT_SIGNUP_FORM_CLASS``: allauth's sign-up form inherits these fields
    and calls ``signup`` once the account exists)."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=NAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=NAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        help_text=_("Your name as it should appear on your certificates."),
    )

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Signing up signs in: the sign-in notice applies here too.
        self.notice = sign_in_notice_blocks()
        if self.notice:
            self.fields[NOTICE_FIELD] = notice_field()

    def clean_first_name(self):
        return _required_name(self.cleaned_data["first_name"])

    def clean_last_name(self):
        return _required_name(self.cleaned_data["last_name"])

    def signup(self, request, user) -> None:
        # allauth's adapter already copied first_name/last_name from cleaned_data
        # onto ``user`` and saved it.
        return None


def _required_name(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise forms.ValidationError(_("This field is required."))
    return value


class ProfileNameForm(forms.Form):
    """The profile page's name, as printed on the next certificates."""

    first_name = forms.CharField(label=_("First name"), max_length=NAME_MAX)
    last_name = forms.CharField(label=_("Last name"), max_length=NAME_MAX)

    def clean_first_name(self):
        return _required_name(self.cleaned_data["first_name"])

    def clean_last_name(self):
        return _required_name(self.cleaned_data["last_name"])


class PersonalDetailsForm(forms.Form):
    """The profile page's personal details, encrypted at rest and shown to the
    person (and administrators) only."""

    phone = forms.RegexField(
        label=_("Phone"),
        regex=r"^\+?[0-9 ()\-.]{3,31}$",
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
    )
    clearance_level = forms.ChoiceField(
        label=_("Security clearance"),
        choices=[("", _("Not stated")), *ClearanceLevel.choices],
        required=False,
    )
