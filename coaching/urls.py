from django.urls import path

from coaching.views import contracts, sessions

app_name = "coaching"

# Coaches, inquiries, proposals and the coach area (coaching.views.coaches / inquiries / proposals, coach_area).
conversation_urls = []

# Contracts and paying for them (coaching.views.contracts).
contract_urls = [
    path("coaching/", contracts.contract_list, name="contract_list"),
    path("coaching/contracts/<str:number>/", contracts.contract_detail, name="contract_detail"),
    path("coaching/contracts/<str:number>/pay/", contracts.contract_pay_view, name="contract_pay"),
    path("coaching/contracts/<str:number>/paid/", contracts.contract_paid, name="contract_paid"),
    path(
        "coaching/contracts/<str:number>/payment-canceled/",
        contracts.contract_payment_canceled,
        name="contract_payment_canceled",
    ),
]

# Sessions of a contract, its ledger and its end (coaching.views.sessions).
_session = "coaching/contracts/<str:number>/sessions/<int:pk>/"
session_urls = [
    path("coaching/contracts/<str:number>/sessions/", sessions.contract_sessions, name="contract_sessions"),
    path("coaching/contracts/<str:number>/sessions/book/", sessions.book, name="session_book"),
    path(f"{_session}invite.ics", sessions.ics, name="session_ics"),
    path(f"{_session}reschedule/", sessions.reschedule, name="session_reschedule"),
    path(f"{_session}cancel/", sessions.cancel, name="session_cancel"),
    path(f"{_session}finish/", sessions.finish, name="session_finish"),
    path("coaching/contracts/<str:number>/cancel/", sessions.cancel_contract, name="contract_cancel"),
]

urlpatterns = [*conversation_urls, *contract_urls, *session_urls]
