from django.urls import re_path

from . import views

ID = r"[1-9][0-9]{0,17}"  # a positive id of at most 18 digits

urlpatterns = [
    re_path(r"^mentorships/?$", views.MentorshipListView.as_view()),
    re_path(
        rf"^mentorships/(?P<mentorship_id>{ID})/?$",
        views.MentorshipDetailView.as_view(),
    ),
    re_path(
        rf"^mentorships/(?P<mentorship_id>{ID})/reviews/?$",
        views.ReviewListView.as_view(),
    ),
    re_path(
        rf"^mentorships/(?P<mentorship_id>{ID})/reviews/(?P<review_id>{ID})"
        r"/acknowledge/?$",
        views.ReviewAcknowledgeView.as_view(),
    ),
    re_path(r"^mentor-requests/?$", views.RequestListView.as_view()),
    re_path(
        rf"^mentor-requests/(?P<request_id>{ID})/decline/?$",
        views.RequestResolveView.as_view(outcome="declined"),
    ),
    re_path(
        rf"^mentor-requests/(?P<request_id>{ID})/withdraw/?$",
        views.RequestResolveView.as_view(outcome="withdrawn"),
    ),
    re_path(r"^mentors/?$", views.MentorLoadView.as_view()),
    re_path(r"^mentors/me/slots/?$", views.OwnSlotsView.as_view()),
    re_path(
        rf"^mentors/me/slots/(?P<slot_id>{ID})/?$", views.OwnSlotDetailView.as_view()
    ),
    re_path(rf"^mentors/(?P<mentor_id>{ID})/slots/?$", views.MentorSlotsView.as_view()),
    re_path(r"^mentoring-sessions/?$", views.SessionListView.as_view()),
    re_path(
        rf"^mentoring-sessions/(?P<session_id>{ID})/?$",
        views.SessionDetailView.as_view(),
    ),
    re_path(
        rf"^mentoring-sessions/(?P<session_id>{ID})/cancel/?$",
        views.SessionCancelView.as_view(),
    ),
    re_path(
        rf"^mentoring-sessions/(?P<session_id>{ID})/ics/?$",
        views.SessionIcsView.as_view(),
    ),
    re_path(
        rf"^mentoring-sessions/(?P<session_id>{ID})/notes/?$",
        views.NoteListView.as_view(),
    ),
    re_path(
        rf"^mentoring-sessions/(?P<session_id>{ID})/notes/(?P<note_id>{ID})/?$",
        views.NoteDetailView.as_view(),
    ),
    re_path(r"^mentoring-settings/?$", views.SettingsView.as_view()),
    re_path(
        r"^mentoring-settings/calendar-feed/reset/?$", views.FeedResetView.as_view()
    ),
]
