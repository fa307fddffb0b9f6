"""`{% order_documents order as documents %}`: an order's invoice and credit notes for its page, without PDF bytes."""

from django import template

from commerce.documents.selectors import documents_for_order

register = template.Library()


@register.simple_tag
def order_documents(order) -> dict:
    invoice, credit_notes = documents_for_order(order=order)
    return {"invoice": invoice, "credit_notes": credit_notes}
