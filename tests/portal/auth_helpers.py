import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from tests.portal.factories import PASSWORD


def totp_code(secret: str, step: int = 0) -> str:
    """The code an authenticator app would show now (``step`` periods later)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step))


def login(client, user, password: str = PASSWORD):
    return client.post(
        "/api/v1/auth/login", {"email": user.email, "password": password}, format="json"
    )


def bearer(client, token: str):
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def signed_in(client, user):
    response = login(client, user)
    assert response.status_code == 200, response.content
    data = response.json()["data"]
    bearer(client, data["token"])
    return data
