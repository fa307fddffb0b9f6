"""`/pricing/`: what each kind of thing costs, how paying works, receipts, invoices and refunds."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from commerce.pricing import pricing_page


@require_safe
def pricing(request):
    return render(request, "commerce/pricing.html", {"page": pricing_page()})
