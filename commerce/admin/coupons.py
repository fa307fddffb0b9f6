"""Staff console for commerce. Coupons: every rule validated on save, usage and live reservations shown."""

import re
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from commerce.admin.coupon_bulk import BulkCodesForm, coupons_bulk_create, coupons_csv, coupons_with_prefix
from commerce.exceptions import PaymentProviderError
from commerce.models import Coupon, CouponRedemption
from commerce.registry import registered_kinds
from commerce.shop.coupons import coupon_terms
from commerce.stripe_mirror import coupon_mirror_sync
from innerwork.core.money import from_decimal, to_decimal

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,39}$")
SLUG_PATTERN = re.compile(r"^[-a-z0-9_]+$")
REF_PATTERN = re.compile(r"^(?P<kind>[a-z_]+):(?P<ref>[A-Za-z0-9_-]+)$")

ADMIN_CODE_FORMAT = "Use 3 to 40 letters, digits, dashes or underscores (customers may type any case)."
ADMIN_CODE_TAKEN = "Another coupon already uses the code {code}."
ADMIN_CURRENCY_FORMAT = "Use a three-letter ISO currency code, such as usd or eur."
ADMIN_PERCENT_REQUIRED = "A percent coupon needs a percentage between 0 and 100."
ADMIN_PERCENT_RANGE = "The percentage must be more than 0 and at most 100."
ADMIN_AMOUNT_REQUIRED = "A fixed coupon needs an amount off greater than zero."
ADMIN_ONLY_PERCENT = "Leave the amount off empty for a percent coupon."
ADMIN_ONLY_AMOUNT = "Leave the percentage empty for a fixed coupon."
ADMIN_CAP_ON_FIXED = "A fixed coupon cannot be capped: lower the amount off instead."
ADMIN_AMOUNT_POSITIVE = "Must be greater than zero."
ADMIN_AMOUNT_PRECISION = "{currency} amounts cannot have that many decimal places."
ADMIN_WINDOW_ORDER = "The end of the validity window must come after its start."
ADMIN_USES_POSITIVE = "Leave empty for no limit, or allow at least one use."
ADMIN_PER_USER_ABOVE_TOTAL = "The per-customer limit cannot exceed the overall limit."
ADMIN_BAD_CATEGORY = "“{value}” is not a category slug (lower-case letters, digits and dashes)."
ADMIN_BAD_REF = "“{value}” is not an item reference; write kind:id, for example course:12."
ADMIN_UNKNOWN_KIND = "“{kind}” is not a product kind sold here (known: {known})."


def _split(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\s]+", value or "") if part.strip()]


class CouponAdminForm(forms.ModelForm):
    """Amounts are typed in major units (49.90) and stored in minor units; lists are typed comma-separated."""

    amount_off_major = forms.DecimalField(
        label="Amount off", required=False, min_value=Decimal(0), help_text="For fixed coupons, in the currency below."
    )
    max_discount_major = forms.DecimalField(
        label="Maximum discount",
        required=False,
        min_value=Decimal(0),
        help_text="Optional cap on a percent coupon's discount per order, in the currency below. "
        "A capped coupon only applies to carts in that currency.",
    )
    min_order_major = forms.DecimalField(
        label="Minimum order",
        required=False,
        min_value=Decimal(0),
        help_text="Cart subtotal needed before the discount, in the cart's currency. Empty or 0 for none.",
    )
    applies_to_kinds = forms.MultipleChoiceField(
        label="Product kinds",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only these kinds are discounted. None ticked: every kind.",
    )
    applies_to_categories = forms.CharField(
        label="Categories",
        required=False,
        help_text="Category slugs, comma-separated. A line qualifies if it is in one of these categories "
        "or is one of the items below. Both empty: every item.",
    )
    applies_to_refs = forms.CharField(
        label="Items",
        required=False,
        help_text="Items as kind:id, comma-separated, for example course:12, course:15.",
    )

    class Meta:
        model = Coupon
        fields = [
            "code",
            "description",
            "is_active",
            "discount_type",
            "percent_off",
            "currency",
            "valid_from",
            "valid_until",
            "max_uses",
            "max_uses_per_user",
        ]
        help_texts = {
            "percent_off": "For percent coupons: 0.01 to 100.",
            "currency": "Currency of the amounts on this page; fixed and capped coupons apply only to it.",
            "max_uses": "Across all customers; a checkout in progress holds one use. Empty: no limit.",
            "max_uses_per_user": "Empty: no limit.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applies_to_kinds"].choices = [
            (kind, handler.label) for kind, handler in sorted(registered_kinds().items())
        ]
        coupon = self.instance
        if coupon.pk:
            currency = coupon.currency
            for minor, major in (
                ("amount_off", "amount_off_major"),
                ("max_discount_amount", "max_discount_major"),
                ("min_order_amount", "min_order_major"),
            ):
                value = getattr(coupon, minor)
                if value is not None:
                    self.initial[major] = to_decimal(value, currency)
            self.initial["applies_to_kinds"] = list(coupon.applies_to_kinds)
            self.initial["applies_to_categories"] = ", ".join(coupon.applies_to_categories)
            self.initial["applies_to_refs"] = ", ".join(coupon.applies_to_refs)

    def clean_code(self):
        code = (self.cleaned_data.get("code") or "").strip().upper()
        if not CODE_PATTERN.match(code):
            raise forms.ValidationError(ADMIN_CODE_FORMAT)
        if Coupon.objects.filter(code=code).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(ADMIN_CODE_TAKEN.format(code=code))
        return code

    def clean_currency(self):
        currency = (self.cleaned_data.get("currency") or "").strip().lower()
        if not re.fullmatch(r"[a-z]{3}", currency):
            raise forms.ValidationError(ADMIN_CURRENCY_FORMAT)
        return currency

    def clean_applies_to_categories(self):
        values = _split(self.cleaned_data.get("applies_to_categories", ""))
        for value in values:
            if not SLUG_PATTERN.match(value):
                raise forms.ValidationError(ADMIN_BAD_CATEGORY.format(value=value))
        return list(dict.fromkeys(values))

    def clean_applies_to_refs(self):
        values = _split(self.cleaned_data.get("applies_to_refs", ""))
        known = registered_kinds()
        for value in values:
            match = REF_PATTERN.match(value)
            if not match:
                raise forms.ValidationError(ADMIN_BAD_REF.format(value=value))
            if match["kind"] not in known:
                raise forms.ValidationError(
                    ADMIN_UNKNOWN_KIND.format(kind=match["kind"], known=", ".join(sorted(known)))
                )
        return list(dict.fromkeys(values))

    def _minor(self, field: str, currency: str):
        value = self.cleaned_data.get(field)
        if value is None:
            return None
        try:
            return from_decimal(value, currency)
        except ValueError:
            self.add_error(field, ADMIN_AMOUNT_PRECISION.format(currency=currency.upper()))
            return None

    def clean(self):
        cleaned = super().clean()
        currency = cleaned.get("currency") or "usd"
        discount_type = cleaned.get("discount_type")
        percent = cleaned.get("percent_off")
        amount_off = self._minor("amount_off_major", currency)
        cap = self._minor("max_discount_major", currency)
        minimum = self._minor("min_order_major", currency)

        if discount_type == Coupon.DiscountType.PERCENT:
            if percent is None:
                self.add_error("percent_off", ADMIN_PERCENT_REQUIRED)
            elif not (0 < percent <= 100):
                self.add_error("percent_off", ADMIN_PERCENT_RANGE)
            if amount_off is not None:
                self.add_error("amount_off_major", ADMIN_ONLY_PERCENT)
            if cap is not None and cap <= 0:
                self.add_error("max_discount_major", ADMIN_AMOUNT_POSITIVE)
        elif discount_type == Coupon.DiscountType.FIXED:
            if amount_off is None or amount_off <= 0:
                self.add_error("amount_off_major", ADMIN_AMOUNT_REQUIRED)
            if percent is not None:
                self.add_error("percent_off", ADMIN_ONLY_AMOUNT)
            if cap is not None:
                self.add_error("max_discount_major", ADMIN_CAP_ON_FIXED)

        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end <= start:
            self.add_error("valid_until", ADMIN_WINDOW_ORDER)

        max_uses, per_user = cleaned.get("max_uses"), cleaned.get("max_uses_per_user")
        if max_uses is not None and max_uses < 1:
            self.add_error("max_uses", ADMIN_USES_POSITIVE)
        if per_user is not None and per_user < 1:
            self.add_error("max_uses_per_user", ADMIN_USES_POSITIVE)
        if max_uses and per_user and per_user > max_uses:
            self.add_error("max_uses_per_user", ADMIN_PER_USER_ABOVE_TOTAL)

        cleaned["amount_off"] = amount_off
        cleaned["max_discount_amount"] = cap
        cleaned["min_order_amount"] = minimum or 0
        return cleaned

    def save(self, commit=True):
        coupon = super().save(commit=False)
        for field in ("amount_off", "max_discount_amount", "min_order_amount"):
            setattr(coupon, field, self.cleaned_data[field])
        coupon.applies_to_kinds = self.cleaned_data["applies_to_kinds"]
        coupon.applies_to_categories = self.cleaned_data["applies_to_categories"]
        coupon.applies_to_refs = self.cleaned_data["applies_to_refs"]
        if commit:
            coupon.save()
        return coupon


@admin.register(Coupon)
class CouponAdmin(admin.ModelAdmin):
    form = CouponAdminForm
    list_display = ["code", "terms", "is_active", "validity", "usage", "reserved_now", "stripe_status"]
    list_filter = ["is_active", "discount_type"]
    search_fields = ["code", "description"]
    readonly_fields = [
        "usage_so_far",
        "active_reservations",
        "stripe_status",
        "stripe_coupon_id",
        "stripe_promotion_code_id",
    ]
    actions = ["deactivate", "sync_in_stripe"]
    fieldsets = [
        (None, {"fields": ["code", "description", "is_active"]}),
        (
            "Discount",
            {"fields": ["discount_type", "percent_off", "amount_off_major", "currency", "max_discount_major"]},
        ),
        ("When", {"fields": ["valid_from", "valid_until"]}),
        (
            "Who and what",
            {"fields": ["min_order_major", "applies_to_kinds", "applies_to_categories", "applies_to_refs"]},
        ),
        ("Limits", {"fields": ["max_uses", "max_uses_per_user", "usage_so_far", "active_reservations"]}),
        ("Stripe", {"fields": ["stripe_status", "stripe_coupon_id", "stripe_promotion_code_id"]}),
    ]

    def get_queryset(self, request):
        counts = CouponRedemption.Status
        return (
            super()
            .get_queryset(request)
            .annotate(
                uses=Count("redemptions", filter=Q(redemptions__status__in=CouponRedemption.COUNTS)),
                redeemed=Count("redemptions", filter=Q(redemptions__status=counts.REDEEMED)),
                reserved=Count("redemptions", filter=Q(redemptions__status=counts.RESERVED)),
            )
        )

    @admin.display(description="Discount")
    def terms(self, coupon):
        return coupon_terms(coupon)

    @admin.display(description="Valid")
    def validity(self, coupon):
        now = timezone.now()
        if coupon.valid_until and coupon.valid_until <= now:
            return "Expired"
        if coupon.valid_from and coupon.valid_from > now:
            return f"From {timezone.localtime(coupon.valid_from):%Y-%m-%d}"
        if coupon.valid_until:
            return f"Until {timezone.localtime(coupon.valid_until):%Y-%m-%d}"
        return "Always"

    @admin.display(description="Uses", ordering="uses")
    def usage(self, coupon):
        limit = coupon.max_uses if coupon.max_uses is not None else "∞"
        return f"{coupon.uses} / {limit}"

    @admin.display(description="Held by checkouts", ordering="reserved")
    def reserved_now(self, coupon):
        return coupon.reserved

    @admin.display(description="Usage so far")
    def usage_so_far(self, coupon):
        if not coupon.pk:
            return "Not used yet."
        statuses = CouponRedemption.Status
        redeemed = coupon.redemptions.filter(status=statuses.REDEEMED).count()
        reserved = coupon.redemptions.filter(status=statuses.RESERVED).count()
        released = coupon.redemptions.filter(status=statuses.RELEASED).count()
        left = "no limit" if coupon.max_uses is None else f"{max(coupon.max_uses - redeemed - reserved, 0)} left"
        return f"{redeemed} redeemed (paid), {reserved} held by open checkouts, {released} released · {left}"

    @admin.display(description="Active reservations")
    def active_reservations(self, coupon):
        if not coupon.pk:
            return "None."
        held = coupon.redemptions.filter(status=CouponRedemption.Status.RESERVED).select_related("order", "user")
        if not held:
            return "None."
        return format_html_join(
            mark_safe("<br>"),
            "{} · {} · since {}",
            ((r.order.number, r.user.email, f"{timezone.localtime(r.created_at):%Y-%m-%d %H:%M}") for r in held[:50]),
        )

    @admin.display(description="Stripe")
    def stripe_status(self, coupon):
        if not coupon.stripe_coupon_id or not coupon.stripe_synced_at:
            return "Not in Stripe yet (mirrored at its first checkout)"
        synced = f"{timezone.localtime(coupon.stripe_synced_at):%Y-%m-%d %H:%M}"
        if coupon.updated_at and coupon.stripe_synced_at < coupon.updated_at:
            return f"Changed since the last sync ({synced}); mirrored again at the next checkout"
        return f"In sync since {synced}"

    @admin.action(description="Deactivate selected coupons", permissions=["change"])
    def deactivate(self, request, queryset):
        """Stop the codes working at once; checkouts already holding a use keep it until they end."""
        # updated_at moves so the Stripe promotion code is switched off at the next sync.
        count = queryset.filter(is_active=True).update(is_active=False, updated_at=timezone.now())
        self.message_user(request, f"Deactivated {count} coupon{'s' if count != 1 else ''}.")

    @admin.action(description="Mirror selected coupons in Stripe now", permissions=["change"])
    def sync_in_stripe(self, request, queryset):
        synced = 0
        for coupon in queryset:
            try:
                coupon_mirror_sync(coupon=coupon)
                synced += 1
            except PaymentProviderError as exc:
                self.message_user(request, f"{coupon.code}: {exc.message}", messages.ERROR)
                break
        self.message_user(request, f"Mirrored {synced} coupon{'s' if synced != 1 else ''} in Stripe.")

    # ---- bulk single-use codes ------------------------------------------------------------------------

    def get_urls(self):
        return [
            path("bulk/", self.admin_site.admin_view(self.bulk_view), name="commerce_coupon_bulk"),
            path("bulk/csv/", self.admin_site.admin_view(self.bulk_csv_view), name="commerce_coupon_bulk_csv"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra = {"bulk_url": reverse("admin:commerce_coupon_bulk") if self.has_add_permission(request) else ""}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def bulk_view(self, request):
        """Make N single-use codes copying an existing coupon's terms, then offer their CSV."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = BulkCodesForm(request.POST or None)
        made = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            made = coupons_bulk_create(
                source=data["terms_from"], prefix=data["prefix"], count=data["count"], description=data["description"]
            )
            self.message_user(request, f"Made {len(made)} single-use codes starting {data['prefix']}-.")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Make single-use codes",
            "form": form,
            "made": made,
            "prefix": form.cleaned_data["prefix"] if made else "",
            "csv_url": reverse("admin:commerce_coupon_bulk_csv"),
        }
        return TemplateResponse(request, "admin/commerce/coupon/bulk.html", context)

    def bulk_csv_view(self, request):
        """The codes of one batch (?prefix=SPRING) as a CSV file."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        prefix = (request.GET.get("prefix") or "").strip().upper()
        if not prefix:
            raise Http404("Say which batch: ?prefix=…")
        response = HttpResponse(coupons_csv(coupons=coupons_with_prefix(prefix=prefix)), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="coupons-{prefix}.csv"'
        return response
