"""The `courses` item of the partner checkout: one or more published courses, by slug, for one of your customers."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.exceptions import NotFound

from commerce.api_items import CheckoutItems, CheckoutItemType, checkout_item_type_register
from courses.models import Course
from innerwork.api.models import PartnerCustomer
from innerwork.api.selectors import partner_customer_get

CUSTOMER_NOT_FOUND = "You have no customer with this id."
UNKNOWN_COURSE = "No published course has the slug {slug!r}."
MAX_COURSES = 20


class CoursesItem(CheckoutItemType):
    type = "courses"
    summary = "Published courses for one of your customers, bought together in one payment."

    class InputSerializer(serializers.Serializer):
        customer = serializers.CharField(max_length=64, help_text="Your customer's id (cus_…).")
        courses = serializers.ListField(
            child=serializers.SlugField(max_length=200),
            min_length=1,
            max_length=MAX_COURSES,
            help_text="Course slugs (GET /courses/), each once.",
        )

        def validate_courses(self, slugs: list[str]) -> list[str]:
            unique = list(dict.fromkeys(slugs))
            found = set(Course.objects.published().filter(slug__in=unique).values_list("slug", flat=True))
            for slug in unique:
                if slug not in found:
                    raise serializers.ValidationError(UNKNOWN_COURSE.format(slug=slug))
            return unique

    def resolve(self, *, partner, data: dict) -> CheckoutItems:
        try:
            customer = partner_customer_get(partner=partner, public_id=data["customer"])
        except PartnerCustomer.DoesNotExist:
            raise NotFound(CUSTOMER_NOT_FOUND) from None
        pks = dict(Course.objects.published().filter(slug__in=data["courses"]).values_list("slug", "pk"))
        return CheckoutItems(user=customer.user, items=[("course", str(pks[slug])) for slug in data["courses"]])


checkout_item_type_register(CoursesItem())
