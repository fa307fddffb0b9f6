"""Mirror the catalogue and the coupons in Stripe (Products, Prices, Coupons, PromotionCodes).

    python manage.py sync_stripe_catalog                    # every item mirrored before, and every coupon
    python manage.py sync_stripe_catalog --item course:12   # also (or only) these items

Items are mirrored on first need anyway (a checkout, or the course admin's action); run this
after changing prices or names in bulk so Stripe's dashboard and receipts match at once.
"""

from django.core.management.base import BaseCommand, CommandError

from commerce.exceptions import PaymentProviderError
from commerce.stripe_mirror import catalog_sync


def _item(value: str) -> tuple[str, str]:
    kind, _, ref = value.partition(":")
    if not kind or not ref:
        raise CommandError(f"--item takes kind:ref, like course:12 (got {value!r})")
    return kind, ref


class Command(BaseCommand):
    help = (
        "Mirror catalogue prices (new Price for a new amount, old one archived), product names and coupons in Stripe."
    )

    def add_arguments(self, parser):
        parser.add_argument("--item", action="append", default=[], help="kind:ref to mirror, e.g. course:12")

    def handle(self, *args, item, **options):
        items = [_item(value) for value in item] or None
        try:
            report = catalog_sync(items=items)
        except PaymentProviderError as exc:
            raise CommandError(exc.message) from exc
        for name in report.synced:
            self.stdout.write(f"mirrored {name}")
        for name in report.retired:
            self.stdout.write(f"archived {name} (no longer for sale)")
        self.stdout.write(self.style.SUCCESS(f"{len(report.synced)} item(s) mirrored, {len(report.retired)} archived."))
