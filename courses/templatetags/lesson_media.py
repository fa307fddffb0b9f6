"""`{% lesson_video lesson %}` and `{% lesson_downloads lesson %}`: a lesson's media on its page.

The lesson page is shown only to those who may read the lesson, and every file link points at
courses.views.media, which checks again before it streams anything.
"""

from django import template

from courses.models import LessonResource, LessonVideo

register = template.Library()


@register.inclusion_tag("courses/learning/lesson_video.html")
def lesson_video(lesson) -> dict:
    return {"lesson": lesson, "video": LessonVideo.objects.filter(lesson=lesson).first()}


@register.inclusion_tag("courses/learning/lesson_downloads.html")
def lesson_downloads(lesson) -> dict:
    return {"lesson": lesson, "resources": list(LessonResource.objects.filter(lesson=lesson))}
