"""Invoices and credit notes: numbered without gaps per series and year, frozen once issued.

Every figure shown on the document is copied onto its row when it is issued, and the PDF is
rendered once and stored with its SHA-256; nothing here is ever updated afterwards.
"""

from django.db import models
from django.db.models import Q


class DocumentCounter(models.Model):
    """The last number given in one series (INV, CN) for one year; its row is locked to take the next."""

    series = models.CharField(max_length=8)
    year = models.PositiveIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="one_counter_per_series_year")]

    def __str__(self):
        return f"{self.series}-{self.year}: {self.last_value}"


class IssuedDocument(models.Model):
    number = models.CharField(max_length=20, unique=True)
    issued_at = models.DateTimeField(db_index=True)
    currency = models.CharField(max_length=3)
    seller = models.JSONField(help_text="Seller's name, address, tax id and e-mail as printed.")
    buyer = models.JSONField(help_text="Buyer's name, e-mail and address as printed.")
    lines = models.JSONField(help_text="The printed lines: title, kind, ref, amounts.")
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, default=0, help_text="Percent, included in prices.")
    tax_amount = models.PositiveIntegerField(default=0)
    total_amount = models.PositiveIntegerField()
    pdf = models.BinaryField(editable=False)
    pdf_sha256 = models.CharField(max_length=64, editable=False)

    class Meta:
        abstract = True
        ordering = ["-issued_at", "-id"]

    def __str__(self):
        return self.number


class Invoice(IssuedDocument):
    order = models.OneToOneField("Order", on_delete=models.PROTECT, related_name="invoice")
    subtotal_amount = models.PositiveIntegerField()
    discount_amount = models.PositiveIntegerField(default=0)
    coupon_code = models.CharField(max_length=40, blank=True)
    card_brand = models.CharField(max_length=20, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    paid_at = models.DateTimeField()

    class Meta(IssuedDocument.Meta):
        constraints = [models.CheckConstraint(condition=Q(number__startswith="INV-"), name="invoice_number_series")]


class CreditNote(IssuedDocument):
    refund = models.OneToOneField("Refund", on_delete=models.PROTECT, related_name="credit_note")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    reason = models.CharField(max_length=500, blank=True)

    class Meta(IssuedDocument.Meta):
        constraints = [models.CheckConstraint(condition=Q(number__startswith="CN-"), name="credit_note_number_series")]
