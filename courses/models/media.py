"""A lesson's media: one video (with optional captions) and downloadable resources.

The files are private: they live in `storages["private"]`, which has no public URL, and reach a browser
only through courses.views.media, after the same access check as the lesson itself. Rows are written only
by courses.media_services, which validates each file by its content before it is stored.
"""

from django.db import models
from django.urls import reverse

from innerwork.core.storage import private_storage


class LessonVideo(models.Model):
    lesson = models.OneToOneField("courses.Lesson", on_delete=models.CASCADE, related_name="video")
    file = models.FileField(storage=private_storage, upload_to="lessons/videos/", max_length=255)
    content_type = models.CharField(max_length=40)
    size_bytes = models.PositiveBigIntegerField()
    captions = models.FileField(storage=private_storage, upload_to="lessons/captions/", max_length=255, blank=True)
    captions_language = models.CharField(max_length=12, default="en", help_text="BCP 47 tag, e.g. en or pt-BR.")
    captions_label = models.CharField(max_length=40, default="English")

    def __str__(self):
        return f"Video of {self.lesson}"

    def get_absolute_url(self):
        return reverse("courses:lesson_video", kwargs={"lesson_id": self.lesson_id})

    def get_captions_url(self):
        return reverse("courses:lesson_captions", kwargs={"lesson_id": self.lesson_id})


class LessonResource(models.Model):
    lesson = models.ForeignKey("courses.Lesson", on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(max_length=120)
    file = models.FileField(storage=private_storage, upload_to="lessons/resources/", max_length=255)
    # The sanitised name the download is saved under (the stored name carries a random suffix).
    filename = models.CharField(max_length=120)
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveBigIntegerField()
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("courses:lesson_resource", kwargs={"lesson_id": self.lesson_id, "resource_id": self.pk})

    @property
    def extension(self) -> str:
        """Shown as the download's icon: PDF, DOCX..."""
        return self.filename.rpartition(".")[2].upper() if "." in self.filename else ""
