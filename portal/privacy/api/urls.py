from django.urls import re_path

from . import views

USER = r"(?P<user_id>me|[0-9]{1,20})"

urlpatterns = [
    re_path(rf"^users/{USER}/export/?$", views.ExportView.as_view()),
    re_path(rf"^users/{USER}/erase/?$", views.EraseView.as_view()),
    re_path(rf"^users/{USER}/consents/?$", views.ConsentListView.as_view()),
]
