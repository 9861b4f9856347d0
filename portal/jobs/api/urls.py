from django.urls import re_path

from . import views

ID = r"[1-9][0-9]{0,17}"

urlpatterns = [
    re_path(rf"^jobs/(?P<job_id>{ID})/?$", views.JobDetailView.as_view()),
    re_path(rf"^jobs/(?P<job_id>{ID})/download/?$", views.JobDownloadView.as_view()),
]
