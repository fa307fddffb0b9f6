"""The coaching endpoints of /api/v1/ (included by innerwork/api/urls.py by name): coaches, proposals, contracts."""

from django.urls import include, path

from coaching import api, api_contracts

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
]

urlpatterns = [
    path("coaches/", include(coaches)),
    path("proposals/", include(proposals)),
    path("contracts/", include(contracts)),
]
