from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "innerwork.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # A change to an account retires that person's cached pages.
        import innerwork.accounts.page_cache  # noqa: F401
