"""The sign-in, sign-up and account security pages render inside the site layout."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"


def assert_site_layout(html: str) -> None:
    """The page is the site's (header, one main, one h1), not allauth's bare page."""
    assert 'class="site-header"' in html
    assert html.count("<main") == 1
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert '<body class="auth' in html
    # allauth's own layout prints this menu heading; ours does not.
    assert "Menu:" not in html


def sign_in(client, email: str, password: str = PASSWORD):
    """Sign in through allauth's form, as a visitor does."""
    return client.post(reverse("account_login"), {"login": email, "password": password})


def confirm_access(client, password: str = PASSWORD) -> None:
    """Re-enter the password: MFA set-up pages ask for it even right after sign-in."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302


@pytest.fixture
def member(django_user_model):
    return django_user_model.objects.create_user("member@example.org", PASSWORD)


@pytest.fixture
def signed_in(client, member):
    response = sign_in(client, member.email)
    assert response.status_code == 302
    return client


class TestAnonymousPages:
    @pytest.mark.parametrize(
        ("name", "kwargs"),
        [
            ("account_login", {}),
            ("account_signup", {}),
            ("account_reset_password", {}),
            ("account_reset_password_done", {}),
            # An unknown key still renders the page, telling the link is invalid.
            ("account_reset_password_from_key", {"uidb36": "zz", "key": "bad-key"}),
            ("account_reset_password_from_key_done", {}),
        ],
    )
    def test_page_renders_in_the_site_layout(self, client, name, kwargs):
        response = client.get(reverse(name, kwargs=kwargs))

        assert response.status_code == 200
        assert_site_layout(response.content.decode())

    def test_login_form_has_visible_labels_for_its_inputs(self, client):
        html = client.get(reverse("account_login")).content.decode()

        assert '<label for="id_login">Email</label>' in html
        assert '<label for="id_password">Password</label>' in html
        assert 'id="id_login"' in html
        assert 'id="id_password"' in html

    def test_header_offers_sign_in_and_sign_up(self, client):
        html = client.get(reverse("account_login")).content.decode()

        assert '<a href="/accounts/login/">Sign in</a>' in html
        assert '<a href="/accounts/signup/">Create account</a>' in html
        assert "Sign out" not in html


class TestSignedInPages:
    @pytest.mark.parametrize(
        "name",
        [
            "account_logout",
            "account_email",
            "account_change_password",
            "account_reauthenticate",
            "mfa_index",
            "mfa_activate_totp",
        ],
    )
    def test_page_renders_in_the_site_layout(self, signed_in, name):
        confirm_access(signed_in)

        response = signed_in.get(reverse(name))

        assert response.status_code == 200
        assert_site_layout(response.content.decode())

    def test_recovery_code_pages_render_in_the_site_layout(self, signed_in, member):
        TOTP.activate(member, generate_totp_secret())
        confirm_access(signed_in)

        generate = signed_in.get(reverse("mfa_generate_recovery_codes"))
        assert generate.status_code == 200
        assert_site_layout(generate.content.decode())

        created = signed_in.post(reverse("mfa_generate_recovery_codes"))
        assert created.status_code == 302
        codes = signed_in.get(reverse("mfa_view_recovery_codes"))
        assert codes.status_code == 200
        html = codes.content.decode()
        assert_site_layout(html)
        assert '<label for="recovery_codes">' in html

    def test_second_factor_step_of_sign_in_renders_in_the_site_layout(
        self, client, member
    ):
        TOTP.activate(member, generate_totp_secret())

        response = sign_in(client, member.email)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_authenticate")

        page = client.get(reverse("mfa_authenticate"))
        assert page.status_code == 200
        html = page.content.decode()
        assert_site_layout(html)
        assert '<label for="id_code">' in html

    def test_header_shows_email_security_link_and_sign_out_form(
        self, signed_in, member
    ):
        html = signed_in.get(reverse("mfa_index")).content.decode()

        assert f'<span class="who">{member.email}</span>' in html
        assert '<a href="/accounts/2fa/">Security</a>' in html
        assert '<a href="/accounts/profile/">Profile</a>' in html
        form = re.search(
            r'<form class="nav-form" method="post" action="/accounts/logout/">'
            r"(.*?)</form>",
            html,
            re.S,
        )
        assert form is not None
        assert 'name="csrfmiddlewaretoken"' in form.group(1)
        assert "Sign out" in form.group(1)
        assert "Create account" not in html

    def test_signing_out_takes_a_post(self, signed_in):
        signed_in.get(reverse("account_logout"))
        assert "_auth_user_id" in signed_in.session

        response = signed_in.post(reverse("account_logout"))

        assert response.status_code == 302
        assert "_auth_user_id" not in signed_in.session


class TestSignupPasswordRules:
    def signup(self, client, password):
        return client.post(
            reverse("account_signup"),
            {
                "first_name": "Ada",
                "last_name": "Lovelace",
                "email": "new@example.org",
                "password1": password,
                "password2": password,
            },
        )

    def test_short_password_is_rejected_with_the_validator_message(
        self, client, django_user_model
    ):
        response = self.signup(client, "Sh0rt!pw")

        assert response.status_code == 200
        html = response.content.decode()
        assert (
            "This password is too short. It must contain at least 12 characters."
            in html
        )
        assert not django_user_model.objects.filter(email="new@example.org").exists()

    def test_common_password_is_rejected_with_the_validator_message(
        self, client, django_user_model
    ):
        response = self.signup(client, "qwerty123456")

        assert response.status_code == 200
        assert "This password is too common." in response.content.decode()
        assert not django_user_model.objects.filter(email="new@example.org").exists()

    def test_password_errors_are_tied_to_the_password_input(self, client):
        html = self.signup(client, "qwerty123456").content.decode()

        field = re.search(r"<input[^>]*\bname=\"password1\"[^>]*>", html)
        assert field is not None
        assert 'aria-invalid="true"' in field.group(0)
        assert "id_password1_error" in field.group(0)
        assert re.search(
            r'<ul class="errorlist" id="id_password1_error">'
            r"<li>This password is too common.</li>",
            html,
        )

    def test_strong_password_creates_a_signed_in_account(
        self, client, django_user_model
    ):
        response = self.signup(client, PASSWORD)

        assert response.status_code == 302
        user = django_user_model.objects.get(email="new@example.org")
        assert user.role == "student"
        assert (user.first_name, user.last_name) == ("Ada", "Lovelace")
        assert client.session["_auth_user_id"] == str(user.pk)
        assert response["Location"] == "/learn/"

    def test_the_name_is_required(self, client, django_user_model):
        response = client.post(
            reverse("account_signup"),
            {
                "first_name": " ",
                "last_name": "",
                "email": "new@example.org",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert 'name="first_name"' in html
        assert 'name="last_name"' in html
        assert "This field is required." in html
        assert not django_user_model.objects.filter(email="new@example.org").exists()
