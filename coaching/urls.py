from django.urls import path  # noqa: F401  (the sections below fill urlpatterns)

app_name = "coaching"

# Coaches, inquiries, proposals and the coach area (coaching.views.coaches / inquiries / proposals, coach_area).
conversation_urls = []

# Contracts and paying for them (coaching.views.contracts).
contract_urls = []

# Sessions of a contract, its ledger and its end (coaching.views.sessions).
session_urls = []

urlpatterns = [*conversation_urls, *contract_urls, *session_urls]
