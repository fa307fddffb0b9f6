from django.urls import path

from commerce.views import cart, checkout, documents, orders, pricing, refunds, wishlist

app_name = "commerce"

urlpatterns = [
    path("pricing/", pricing.pricing, name="pricing"),
    path("cart/", cart.cart_detail, name="cart"),
    path("cart/add/", cart.cart_add_item, name="cart_add"),
    path("cart/items/<int:item_id>/remove/", cart.cart_remove_item, name="cart_remove"),
    path("cart/items/<int:item_id>/save-for-later/", cart.cart_save_for_later, name="cart_save_for_later"),
    path("cart/coupon/", cart.cart_coupon_apply, name="cart_coupon_apply"),
    path("cart/coupon/remove/", cart.cart_coupon_remove, name="cart_coupon_remove"),
    path("wishlist/", wishlist.wishlist_detail, name="wishlist"),
    path("wishlist/add/", wishlist.wishlist_add_item, name="wishlist_add"),
    path("wishlist/items/<int:item_id>/remove/", wishlist.wishlist_remove_item, name="wishlist_remove"),
    path("wishlist/items/<int:item_id>/move-to-cart/", wishlist.wishlist_move_item, name="wishlist_move_to_cart"),
    path("orders/", orders.order_list, name="order_list"),
    path("orders/<str:number>/", orders.order_detail, name="order_detail"),
    path("orders/<str:number>/invoice.pdf", documents.invoice_pdf, name="invoice_pdf"),
    path("orders/<str:number>/credit-notes/<str:cn_number>.pdf", documents.credit_note_pdf, name="credit_note_pdf"),
    path("orders/<str:number>/refund/", refunds.order_refund, name="order_refund"),
    path("orders/<str:number>/refund/requests/<int:pk>/", refunds.refund_request_detail, name="refund_request_detail"),
    path("checkout/", checkout.checkout, name="checkout"),
    path("orders/<str:number>/pay/", checkout.order_pay, name="order_pay"),
    path("orders/<str:number>/success/", checkout.order_success, name="order_success"),
    path("orders/<str:number>/cancel/", checkout.order_cancel, name="order_cancel"),
    path("billing/", orders.billing, name="billing"),
]
