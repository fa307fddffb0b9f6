"""The coaching endpoints of /api/v1/ (included by innerwork/api/urls.py by name): coaches, proposals, contracts,
and a contract's sessions."""

from django.urls import include, path

from coaching import api, api_contracts, api_sessions

coaches = [
    path("", api.CoachListApi.as_view(), name="coach-list"),
    path("<slug:slug>/", api.CoachDetailApi.as_view(), name="coach-detail"),
]

proposals = [
    path("", api.ProposalListApi.as_view(), name="proposal-list"),
    path("<str:number>/", api.ProposalDetailApi.as_view(), name="proposal-detail"),
    path("<str:number>/accept/", api.ProposalAcceptApi.as_view(), name="proposal-accept"),
    path("<str:number>/decline/", api.ProposalDeclineApi.as_view(), name="proposal-decline"),
]

contracts = [
    path("", api_contracts.ContractListApi.as_view(), name="contract-list"),
    path("<str:number>/", api_contracts.ContractDetailApi.as_view(), name="contract-detail"),
    path("<str:number>/sessions/", api_contracts.ContractSessionsApi.as_view(), name="contract-sessions"),
    path("<str:number>/slots/", api_contracts.ContractSlotsApi.as_view(), name="contract-slots"),
    path("<str:number>/cancel/", api_sessions.ContractCancelApi.as_view(), name="contract-cancel"),
    path("<str:number>/sessions/<int:pk>/", api_sessions.ContractSessionDetailApi.as_view(), name="contract-session"),
    path(
        "<str:number>/sessions/<int:pk>/reschedule/",
        api_sessions.ContractSessionRescheduleApi.as_view(),
        name="contract-session-reschedule",
    ),
    path(
        "<str:number>/sessions/<int:pk>/cancel/",
        api_sessions.ContractSessionCancelApi.as_view(),
        name="contract-session-cancel",
    ),
]

urlpatterns = [
    path("coaches/", include(coaches)),
    path("proposals/", include(proposals)),
    path("contracts/", include(contracts)),
]
