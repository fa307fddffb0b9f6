"""Reads about a person's own account for the account page."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator

from innerwork.accounts.models import User


@dataclass(frozen=True)
class AccountSecurity:
    email: str
    email_verified: bool
    has_password: bool
    two_factor_active: bool


def account_security(*, user: User) -> AccountSecurity:
    """The sign-in facts the account page shows: primary e-mail, its verification, password, two-factor."""
    address = EmailAddress.objects.filter(user=user, primary=True).only("email", "verified").first()
    return AccountSecurity(
        email=address.email if address else user.email,
        email_verified=bool(address and address.verified),
        has_password=user.has_usable_password(),
        two_factor_active=Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists(),
    )
