from django.urls import path

from courses.instructors import views as instructors
from courses.reviews import views as reviews
from courses.views import catalogue, dashboard, exercises, learning, media, progress

app_name = "courses"

urlpatterns = [
    path("", catalogue.catalogue, name="catalogue"),
    path("courses/<slug:slug>/", catalogue.course_detail, name="detail"),
    path("courses/<slug:slug>/enroll/", learning.enroll, name="enroll"),
    path("courses/<slug:slug>/learn/", learning.resume, name="resume"),
    path("courses/<slug:slug>/lessons/<int:lesson_id>/", learning.lesson_detail, name="lesson"),
    path("courses/<slug:slug>/lessons/<int:lesson_id>/complete/", learning.lesson_complete, name="lesson_complete"),
    path("courses/<slug:slug>/review/", reviews.review_edit, name="review_edit"),
    path("instructors/me/edit/", instructors.instructor_edit, name="instructor_edit"),
    path("instructors/<slug:slug>/", instructors.instructor_detail, name="instructor"),
    path(
        "courses/<slug:slug>/lessons/<int:lesson_id>/exercises/<int:exercise_id>/answer/",
        exercises.exercise_answer,
        name="exercise_answer",
    ),
    path(
        "courses/<slug:slug>/lessons/<int:lesson_id>/exercises/<int:exercise_id>/reflection/",
        exercises.reflection_save,
        name="reflection_save",
    ),
    path("courses/<slug:slug>/certificate.pdf", learning.certificate_download, name="certificate_download"),
    path("certificates/<str:code>/", learning.certificate_verify, name="certificate_verify"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/progress/", progress.progress, name="progress"),
    path("dashboard/progress.csv", progress.progress_csv, name="progress_csv"),
    path("lessons/<int:lesson_id>/media/video", media.lesson_video, name="lesson_video"),
    path("lessons/<int:lesson_id>/media/captions.vtt", media.lesson_captions, name="lesson_captions"),
    path("lessons/<int:lesson_id>/media/resources/<int:resource_id>", media.lesson_resource, name="lesson_resource"),
]
