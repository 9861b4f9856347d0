"""Web-side enforcement of mandatory MFA (filled in with the web sign-in work)."""


class MFAEnrollmentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
