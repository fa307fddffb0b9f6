from django.urls import path

from coaching import coach_area
from coaching.views import coaches, contracts, inquiries, proposals, sessions

app_name = "coaching"

# Coaches, inquiries, proposals and the coach area (coaching.views.coaches / inquiries / proposals, coach_area).
conversation_urls = [
    path("coaches/", coaches.coach_list, name="coach_list"),
    path("coaches/<slug:slug>/", coaches.coach_detail, name="coach_detail"),
    path("coaches/<slug:slug>/ask/", inquiries.inquiry_start, name="inquiry_start"),
    path("coaching/inquiries/", inquiries.inquiry_list, name="inquiry_list"),
    path("coaching/inquiries/<int:pk>/", inquiries.inquiry_detail, name="inquiry_detail"),
    path("coaching/inquiries/<int:pk>/propose/", proposals.proposal_new, name="proposal_new"),
    path("coaching/proposals/<str:number>/", proposals.proposal_detail, name="proposal_detail"),
    path("coaching/proposals/<str:number>/accept/", proposals.proposal_accept, name="proposal_accept"),
    path("coaching/proposals/<str:number>/decline/", proposals.proposal_decline, name="proposal_decline"),
    path("coaching/proposals/<str:number>/withdraw/", proposals.proposal_withdraw, name="proposal_withdraw"),
    path("coaching/proposals/<str:number>/revise/", proposals.proposal_revise, name="proposal_revise"),
    path("coach/", coach_area.overview, name="coach_area"),
    path("coach/calendar/", coach_area.calendar_page, name="coach_calendar"),
]

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
