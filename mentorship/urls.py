from django.urls import path

from mentorship import mentor_area, views

app_name = "mentorship"

urlpatterns = [
    path("mentors/", views.mentor_list, name="mentor_list"),
    path("mentors/<slug:slug>/", views.mentor_detail, name="mentor_detail"),
    path("mentors/<slug:slug>/book/", views.book, name="book"),
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/<str:number>/", views.session_detail, name="session_detail"),
    path("sessions/<str:number>/paid/", views.session_paid, name="session_paid"),
    path("sessions/<str:number>/not-paid/", views.session_not_paid, name="session_not_paid"),
    path("sessions/<str:number>/pay/", views.session_pay, name="session_pay"),
    path("sessions/<str:number>/invite.ics", views.session_ics, name="session_ics"),
    path("sessions/<str:number>/reschedule/", views.session_reschedule, name="session_reschedule"),
    path("sessions/<str:number>/cancel/", views.session_cancel, name="session_cancel"),
    path("mentor/", mentor_area.overview, name="mentor_area"),
    path("mentor/profile/", mentor_area.profile, name="mentor_profile"),
    path("mentor/calendar/", mentor_area.calendar_page, name="mentor_calendar"),
    path("mentor/sessions/<str:number>/finish/", mentor_area.session_finish, name="mentor_session_finish"),
]
