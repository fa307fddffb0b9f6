from django.urls import path

from commerce import api

urlpatterns = [
    path("checkout-sessions/", api.CheckoutSessionCreateApi.as_view(), name="checkout-sessions"),
    path("payments/<str:payment_id>", api.PaymentDetailApi.as_view(), name="payment-detail"),
    path("orders/", api.OrderListApi.as_view(), name="orders"),
    path("orders/<str:number>", api.OrderDetailApi.as_view(), name="order-detail"),
    path("refunds/", api.RefundCreateApi.as_view(), name="refunds"),
]
