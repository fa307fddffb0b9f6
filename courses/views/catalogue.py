from django.http import HttpResponse


def catalogue(request):
    return HttpResponse("catalogue")


def course_detail(request, slug):
    return HttpResponse("course")
