"""The sign-in form (``ACCOUNT_FORMS["login"]``): allauth's, plus the sign-in
notice when there is one. Apart from ``forms.py``, which allauth imports while it
defines the form this one extends."""

from allauth.account.forms import LoginForm

from .sign_in_notice import NOTICE_FIELD, notice_field, sign_in_notice_blocks


class NoticeLoginForm(LoginForm):
    """allauth's sign-in form; with a sign-in notice (``SIGN_IN_NOTICE``) it must
    be accepted (a required checkbox) before the credentials are even checked."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.notice = sign_in_notice_blocks()
        if self.notice:
            self.fields[NOTICE_FIELD] = notice_field()

    def clean(self):
        if self.notice and not self.cleaned_data.get(NOTICE_FIELD):
            # Without consent nothing is checked (nor counted as a failed sign-in).
            return self.cleaned_data
        return super().clean()
