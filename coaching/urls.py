from django.urls import path

from coaching import coach_area
from coaching.views import coaches, inquiries, proposals

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
contract_urls = []

# Sessions of a contract, its ledger and its end (coaching.views.sessions).
session_urls = []

urlpatterns = [*conversation_urls, *contract_urls, *session_urls]
