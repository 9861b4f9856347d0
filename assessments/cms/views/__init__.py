"""Assessments in the Wagtail admin: a model viewset (list, create, edit, retire or
delete) scoped to the courses the user teaches, and the results page.

Every write goes through ``assessments.services``; the views only turn its errors
into form errors or messages. Who may do what is ``AssessmentPermissionPolicy``
(``admin_permissions``); anyone else's assessment is a 404.

``viewset`` holds the viewset and its list/create/edit/delete views, ``pages`` the
pages about one assessment beyond them (retire or restore, results).
"""

from .viewset import AssessmentViewSet

__all__ = ["AssessmentViewSet"]
