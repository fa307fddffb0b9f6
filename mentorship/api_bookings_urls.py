from django.urls import path

from mentorship import api_bookings

urlpatterns = [
    path("", api_bookings.BookingsApi.as_view(), name="bookings"),
    path("<str:number>", api_bookings.BookingDetailApi.as_view(), name="booking-detail"),
    path("<str:number>/reschedule", api_bookings.BookingRescheduleApi.as_view(), name="booking-reschedule"),
    path("<str:number>/cancel", api_bookings.BookingCancelApi.as_view(), name="booking-cancel"),
]
