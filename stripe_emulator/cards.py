"""Stripe's test cards and what each one does, plus the checks the hosted page makes before paying."""

from __future__ import annotations

from dataclasses import dataclass

from stripe_emulator import errors


@dataclass(frozen=True)
class Outcome:
    """What happens when this card pays: succeed, decline (with Stripe's codes), or ask for 3-D Secure first."""

    kind: str  # "succeed" | "decline" | "three_d_secure"
    code: str | None = None  # error code: card_declined, expired_card, incorrect_cvc
    decline_code: str | None = None
    message: str | None = None
    seller_message: str | None = None
    refund_fails: bool = False  # the refund of this card's charge fails asynchronously
    dispute_reason: str | None = None  # the payment succeeds, then the cardholder disputes it for this reason


SUCCEED = Outcome("succeed")
THREE_D_SECURE = Outcome("three_d_secure")


def _decline(code: str, decline_code: str, message: str, seller_message: str | None = None) -> Outcome:
    return Outcome(
        "decline",
        code=code,
        decline_code=decline_code,
        message=message,
        seller_message=seller_message or f"The bank returned the decline code `{decline_code}`.",
    )


GENERIC_DECLINE = _decline(
    "card_declined",
    "generic_decline",
    errors.CARD_DECLINED,
    "The bank did not return any further details with this decline.",
)

# number -> (brand, funding, country, outcome); from https://docs.stripe.com/testing
TEST_CARDS: dict[str, tuple[str, str, str, Outcome]] = {
    "4242424242424242": ("visa", "credit", "US", SUCCEED),
    "4000056655665556": ("visa", "debit", "US", SUCCEED),
    "5555555555554444": ("mastercard", "credit", "US", SUCCEED),
    "378282246310005": ("amex", "credit", "US", SUCCEED),
    "4000000000000002": ("visa", "credit", "US", GENERIC_DECLINE),
    "4000000000009995": (
        "visa",
        "credit",
        "US",
        _decline("card_declined", "insufficient_funds", errors.INSUFFICIENT_FUNDS),
    ),
    "4000000000000069": ("visa", "credit", "US", _decline("expired_card", "expired_card", errors.EXPIRED_CARD)),
    "4000000000000127": ("visa", "credit", "US", _decline("incorrect_cvc", "incorrect_cvc", errors.INCORRECT_CVC)),
    "4000002500003155": ("visa", "credit", "US", THREE_D_SECURE),
    "4000002760003184": ("visa", "credit", "US", THREE_D_SECURE),
    "4000000000009987": ("visa", "credit", "US", _decline("card_declined", "lost_card", errors.CARD_DECLINED)),
    "4000000000009979": ("visa", "credit", "US", _decline("card_declined", "stolen_card", errors.CARD_DECLINED)),
    "4000000000000119": (
        "visa",
        "credit",
        "US",
        Outcome(
            "decline",
            code="processing_error",
            message=errors.PROCESSING_ERROR,
            seller_message="An error occurred while processing this card.",
        ),
    ),
    "4000000000005126": ("visa", "credit", "US", Outcome("succeed", refund_fails=True)),
    "4000000000000259": ("visa", "credit", "US", Outcome("succeed", dispute_reason="fraudulent")),
}

INVALID_NUMBER = "Your card number is incorrect."
INCOMPLETE_NUMBER = "Your card number is incomplete."
INVALID_EXPIRY_MONTH = "Your card's expiration month is invalid."
INVALID_EXPIRY_YEAR = "Your card's expiration year is invalid."
EXPIRY_IN_PAST = "Your card's expiration date is in the past."
INCOMPLETE_CVC = "Your card's security code is incomplete."
NAME_REQUIRED = "Enter the name on your card."
EMAIL_INVALID = "Your email address is invalid."


@dataclass(frozen=True)
class Card:
    number: str
    exp_month: int
    exp_year: int
    cvc: str
    brand: str
    funding: str
    country: str
    outcome: Outcome

    @property
    def last4(self) -> str:
        return self.number[-4:]


def luhn_ok(number: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def _brand_of(number: str) -> str:
    if number.startswith(("34", "37")):
        return "amex"
    if number[:2] in {"51", "52", "53", "54", "55"} or number[:1] == "2":
        return "mastercard"
    return "visa"


def parse_expiry(text: str) -> tuple[int, int] | None:
    """ "12 / 34", "12/34" or "12/2034" -> (12, 2034)."""
    cleaned = text.replace(" ", "")
    if "/" not in cleaned:
        if len(cleaned) == 4 and cleaned.isdigit():
            cleaned = cleaned[:2] + "/" + cleaned[2:]
        else:
            return None
    month_text, _, year_text = cleaned.partition("/")
    if not (month_text.isdigit() and year_text.isdigit()):
        return None
    year = int(year_text)
    return int(month_text), year + 2000 if year < 100 else year


def read_card(
    *, number: str, expiry: str, cvc: str, now_year: int, now_month: int
) -> tuple[Card | None, dict[str, str]]:
    """The card typed on the hosted page, or the field errors Stripe's form would show before submitting."""
    field_errors: dict[str, str] = {}
    digits = "".join(ch for ch in number if ch.isdigit())
    if len(digits) < 13 or len(digits) != len(number.replace(" ", "").replace("-", "")):
        field_errors["card_number"] = INCOMPLETE_NUMBER if number.strip() and len(digits) < 13 else INVALID_NUMBER
    elif not luhn_ok(digits):
        field_errors["card_number"] = INVALID_NUMBER
    parsed = parse_expiry(expiry)
    if parsed is None or not 1 <= parsed[0] <= 12:
        field_errors["card_expiry"] = INVALID_EXPIRY_MONTH
    elif parsed[1] > now_year + 50:
        field_errors["card_expiry"] = INVALID_EXPIRY_YEAR
    elif (parsed[1], parsed[0]) < (now_year, now_month):
        field_errors["card_expiry"] = EXPIRY_IN_PAST
    brand, funding, country, outcome = TEST_CARDS.get(digits, (_brand_of(digits), "credit", "US", None))
    cvc_length = 4 if brand == "amex" else 3
    if not (cvc.isdigit() and len(cvc) == cvc_length):
        field_errors["card_cvc"] = INCOMPLETE_CVC
    if field_errors:
        return None, field_errors
    if outcome is None:
        outcome = _decline("card_declined", "test_mode_live_card", errors.LIVE_CARD_IN_TEST_MODE)
    assert parsed is not None
    return Card(digits, parsed[0], parsed[1], cvc, brand, funding, country, outcome), {}


def card_from(*, number: str, exp_month: int, exp_year: int, cvc: str) -> Card:
    """A card already accepted by `read_card` (kept by the emulator while 3-D Secure is pending)."""
    brand, funding, country, outcome = TEST_CARDS.get(number, (_brand_of(number), "credit", "US", None))
    if outcome is None:
        outcome = _decline("card_declined", "test_mode_live_card", errors.LIVE_CARD_IN_TEST_MODE)
    return Card(number, exp_month, exp_year, cvc, brand, funding, country, outcome)
