"""Bulk single-use codes: N coupons with a prefix, copying the terms of an existing coupon, and their CSV."""

from __future__ import annotations

import csv
import io
import re
import secrets

from django import forms
from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from commerce.models import Coupon, CouponRedemption
from commerce.shop.coupons import coupon_terms

BULK_MAX = 1000
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are typed by people
SUFFIX_LENGTH = 8
PREFIX_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,20}$")

BULK_PREFIX_FORMAT = "Use 1 to 21 letters, digits, dashes or underscores, starting with a letter or digit."
BULK_COUNT_RANGE = f"Make between 1 and {BULK_MAX} codes at a time."
# The terms copied from the chosen coupon; limits are always one use in all.
COPIED_FIELDS = (
    "discount_type",
    "percent_off",
    "amount_off",
    "currency",
    "max_discount_amount",
    "valid_from",
    "valid_until",
    "min_order_amount",
    "applies_to_kinds",
    "applies_to_categories",
    "applies_to_refs",
)


class BulkCodesForm(forms.Form):
    prefix = forms.CharField(
        max_length=21, help_text="Every code starts with it, then a dash and 8 random characters: SPRING-7KQ2XD4M."
    )
    count = forms.IntegerField(label="How many codes", min_value=1, max_value=BULK_MAX, help_text=BULK_COUNT_RANGE)
    terms_from = forms.ModelChoiceField(
        label="Copy the terms of",
        queryset=Coupon.objects.order_by("code"),
        help_text="Discount, currency, cap, validity window, minimum order and restrictions are copied. "
        "Each new code can be used once, by one customer.",
    )
    description = forms.CharField(max_length=200, required=False, help_text="Shown to staff only, e.g. the campaign.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["count"].error_messages.update(min_value=BULK_COUNT_RANGE, max_value=BULK_COUNT_RANGE)

    def clean_prefix(self):
        prefix = self.cleaned_data["prefix"].strip().upper().rstrip("-")
        if not PREFIX_PATTERN.match(prefix):
            raise forms.ValidationError(BULK_PREFIX_FORMAT)
        return prefix


def _new_code(prefix: str) -> str:
    return f"{prefix}-{''.join(secrets.choice(CODE_ALPHABET) for _ in range(SUFFIX_LENGTH))}"


def coupons_bulk_create(*, source: Coupon, prefix: str, count: int, description: str = "") -> list[Coupon]:
    """Create `count` single-use coupons named PREFIX-XXXXXXXX with `source`'s terms, all or none.

    Codes are random (32^8 possibilities) and unique: a code already taken, here or by a
    concurrent batch, is drawn again. Each coupon allows one use in all and one per customer.
    """
    if not 1 <= count <= BULK_MAX:
        raise ValueError(BULK_COUNT_RANGE)
    terms = {field: getattr(source, field) for field in COPIED_FIELDS}
    description = description or f"Single-use code from {source.code}"
    with transaction.atomic():
        codes: set[str] = set()
        while len(codes) < count:
            wanted = {_new_code(prefix) for _ in range(count - len(codes))}
            taken = set(Coupon.objects.filter(code__in=wanted).values_list("code", flat=True))
            codes |= wanted - taken
        made = [
            Coupon(code=code, description=description, max_uses=1, max_uses_per_user=1, is_active=True, **terms)
            for code in sorted(codes)
        ]
        try:
            with transaction.atomic():
                return Coupon.objects.bulk_create(made)
        except IntegrityError:  # a concurrent batch drew one of the same codes: draw the whole batch again
            pass
    return coupons_bulk_create(source=source, prefix=prefix, count=count, description=description)


def coupons_with_prefix(*, prefix: str):
    """The codes of one batch (PREFIX-…), with how often each was used, in code order."""
    return (
        Coupon.objects.filter(code__startswith=f"{prefix.upper()}-")
        .annotate(used=Count("redemptions", filter=Q(redemptions__status=CouponRedemption.Status.REDEEMED)))
        .order_by("code")
    )


def coupons_csv(*, coupons) -> str:
    """code, discount, valid from, valid until, uses allowed, times used, active — one row per coupon."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "discount", "valid_from", "valid_until", "max_uses", "used", "active"])
    for coupon in coupons:
        writer.writerow(
            [
                coupon.code,
                coupon_terms(coupon),
                coupon.valid_from.isoformat() if coupon.valid_from else "",
                coupon.valid_until.isoformat() if coupon.valid_until else "",
                coupon.max_uses if coupon.max_uses is not None else "",
                coupon.used,
                "yes" if coupon.is_active else "no",
            ]
        )
    return out.getvalue()
