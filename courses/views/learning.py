from django.http import HttpResponse


def enroll(request, slug):
    return HttpResponse("enroll")


def resume(request, slug):
    return HttpResponse("resume")


def lesson_detail(request, slug, lesson_id):
    return HttpResponse("lesson")


def lesson_complete(request, slug, lesson_id):
    return HttpResponse("complete")


def certificate_download(request, slug):
    return HttpResponse("certificate")


def certificate_verify(request, code):
    return HttpResponse("certificate")
