from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site


class AccountAdapter(DefaultAccountAdapter):
    """Routes allauth's e-mails through the InnerWork outbox so none is lost."""

    def send_mail(self, template_prefix, email, context):
        from innerwork.core.emails import email_enqueue_rendered

        request = allauth_context.request
        # The same context allauth's own send_mail builds, plus site_url for the
        # e-mail base templates (which also render outside a request).
        ctx = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            "site_url": settings.SITE_URL,
            **context,
        }
        message = self.render_mail(template_prefix, email, ctx)
        email_enqueue_rendered(message=message, kind=template_prefix.rsplit("/", 1)[-1])

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        # allauth does not pass the user to notification templates; the greeting needs it.
        super().send_notification_mail(template_prefix, user, {"user": user, **(context or {})}, email)
