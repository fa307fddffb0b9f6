from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "innerwork.accounts"
    label = "accounts"
    verbose_name = "Accounts"
