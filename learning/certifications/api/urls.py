from django.urls import re_path

from . import views

ID = r"[1-9][0-9]{0,17}"

urlpatterns = [
    re_path(
        rf"^courses/(?P<course_id>{ID})/vouchers/?$", views.VoucherListView.as_view()
    ),
    re_path(
        rf"^courses/(?P<course_id>{ID})/vouchers/claim/?$",
        views.VoucherClaimView.as_view(),
    ),
    re_path(
        rf"^courses/(?P<course_id>{ID})/ce-credits/?$",
        views.CourseCreditView.as_view(),
    ),
    re_path(
        r"^users/(?P<user_id>me|[0-9]{1,20})/ce-credits/?$",
        views.UserCreditsView.as_view(),
    ),
]
