from django.urls import re_path

from . import views

ID = r"[1-9][0-9]{0,17}"  # a positive id of at most 18 digits

urlpatterns = [
    re_path(rf"^courses/(?P<course_id>{ID})/checkout/?$", views.CheckoutView.as_view()),
    re_path(r"^orders/?$", views.OrderListView.as_view()),
    re_path(rf"^orders/(?P<order_id>{ID})/?$", views.OrderDetailView.as_view()),
    re_path(rf"^orders/(?P<order_id>{ID})/refund/?$", views.OrderRefundView.as_view()),
    re_path(
        rf"^orders/(?P<order_id>{ID})/receipt/?$", views.OrderReceiptView.as_view()
    ),
    re_path(r"^webhooks/stripe/?$", views.StripeWebhookView.as_view()),
    re_path(r"^webhooks/paypal/?$", views.PayPalWebhookView.as_view()),
]
