"""Rate limits of the assessments API.

Flag brute force: a lab flag is checked exactly, so a learner could try flag after
flag through submissions. Submissions to an assessment containing flag questions are
limited per learner and assessment (scope ``flag``, ``THROTTLE_RATE_FLAG``). Autosave
is not limited: it never grades, so it reveals nothing about a flag.
"""

from portal.accounts.throttles import PortalRateThrottle

from ..selectors import assessment_has_flags


class FlagSubmitThrottle(PortalRateThrottle):
    scope = "flag"

    def get_cache_key(self, request, view):
        user = request.user
        assessment_id = view.kwargs.get("assessment_id")
        if not (user and user.is_authenticated and assessment_id):
            return None
        if not assessment_has_flags(assessment_id=int(assessment_id)):
            return None
        ident = f"{user.pk}:{int(assessment_id)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
