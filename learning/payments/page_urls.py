"""Learner-facing pages of payments (not the API)."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "learn/courses/<int:course_id>/checkout/",
        views.checkout,
        name="course-checkout",
    ),
    path(
        "learn/orders/<int:order_id>/success/",
        views.order_success,
        name="order-success",
    ),
    path(
        "learn/orders/<int:order_id>/cancelled/",
        views.order_cancelled,
        name="order-cancelled",
    ),
    path(
        "learn/orders/<int:order_id>/receipt/",
        views.order_receipt,
        name="order-receipt",
    ),
]
