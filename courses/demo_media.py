"""The demo's media: drawn covers for a few courses and a worksheet on a preview lesson.

Nothing binary is committed: the covers are drawn with Pillow and the worksheet PDF is written here, then
both go through the same services staff use (courses.media_services), so the demo shows uploaded covers
with their renditions next to generated ones, and a lesson download only those with access can fetch.
Idempotent: a course that has a cover, or a lesson that has the worksheet, is left alone.
"""

from __future__ import annotations

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageChops, ImageDraw

from courses import media_services
from courses.models import Course, Lesson
from innerwork.core.demo_seeding import DemoSeed

COVER_SIZE = (1200, 675)
# Course slug → (background from, background to, shapes): calm blues, warm focus, a quiet green.
DEMO_COVERS = {
    "calm-under-pressure": ((28, 64, 122), (112, 170, 214), (236, 244, 252)),
    "deep-work-weeks": ((120, 52, 18), (232, 160, 72), (255, 238, 214)),
    "the-weekly-review": ((18, 94, 84), (120, 200, 170), (232, 250, 244)),
}
WORKSHEET_COURSE = "calm-under-pressure"
WORKSHEET_TITLE = "Pressure map worksheet (PDF)"
WORKSHEET_LINES = (
    "Calm Under Pressure - Pressure map worksheet",
    "",
    "1. This week, when did pressure show up? Write the moment down.",
    "2. What did your body do first (breath, shoulders, jaw)?",
    "3. What did you tell yourself in that moment?",
    "4. Which one small step would have helped? Try it next time.",
    "",
    "Keep this page next to your calendar and add a line each day.",
)


def seed(*, demo: DemoSeed) -> None:
    for course in Course.objects.filter(slug__in=DEMO_COVERS, cover_renditions=[]):
        upload = SimpleUploadedFile(f"{course.slug}.png", _drawn_cover(*DEMO_COVERS[course.slug]))
        media_services.course_cover_set(course=course, upload=upload)
        demo.counts["course covers drawn"] += 1
    lesson = (
        Lesson.objects.filter(module__course__slug=WORKSHEET_COURSE, is_preview=True)
        .order_by("module__position", "position")
        .first()
    )
    if lesson is not None and not lesson.resources.exists():
        upload = SimpleUploadedFile("pressure-map-worksheet.pdf", worksheet_pdf(WORKSHEET_LINES))
        media_services.lesson_resource_add(lesson=lesson, upload=upload, title=WORKSHEET_TITLE)
        demo.counts["lesson downloads added"] += 1


def _drawn_cover(start, end, ink) -> bytes:
    """Soft overlapping circles on a diagonal gradient: a calm, abstract cover."""
    width, height = COVER_SIZE
    down = Image.linear_gradient("L").resize(COVER_SIZE)
    across = Image.linear_gradient("L").rotate(90).resize(COVER_SIZE)
    gradient = ImageChops.add(down, across, scale=2)
    image = Image.composite(Image.new("RGB", COVER_SIZE, end), Image.new("RGB", COVER_SIZE, start), gradient)
    shapes = Image.new("RGBA", COVER_SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(shapes)
    for index, (x, y, r, alpha) in enumerate(
        ((0.78, 0.35, 0.36, 70), (0.92, 0.8, 0.28, 55), (0.6, 0.95, 0.22, 45), (0.15, 0.2, 0.12, 40))
    ):
        cx, cy, radius = x * width, y * height, r * width
        fill = (*ink, alpha) if index % 2 == 0 else None
        outline = (*ink, alpha + 60)
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=fill, outline=outline, width=6)
    image.paste(shapes, (0, 0), shapes)
    out = BytesIO()
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def _pdf_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def worksheet_pdf(lines: tuple[str, ...]) -> bytes:
    """A one-page A4 PDF of text lines in Helvetica (a valid file: objects, cross-reference table, trailer)."""
    text = ["BT", "/F1 16 Tf", "56 780 Td", "22 TL"]
    for number, line in enumerate(lines):
        if number == 1:
            text.append("/F1 12 Tf")
        text.append(f"({_pdf_text(line)}) Tj T*")
    text.append("ET")
    stream = "\n".join(text).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()
