from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Routes allauth's e-mails through the InnerWork outbox so none is lost."""

    def send_mail(self, template_prefix, email, context):
        from innerwork.core.emails import email_enqueue_rendered

        message = self.render_mail(template_prefix, email, context)
        email_enqueue_rendered(message=message, kind=template_prefix.rsplit("/", 1)[-1])
