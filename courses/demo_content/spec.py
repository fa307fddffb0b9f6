"""Shapes of the demo data: small frozen records, so the content modules read like a table of contents."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PersonSpec:
    email: str
    full_name: str
    time_zone: str
    password: str


@dataclass(frozen=True)
class CategorySpec:
    slug: str
    name: str
    description: str


@dataclass(frozen=True)
class Quote:
    text: str
    author: str


@dataclass(frozen=True)
class LessonSpec:
    title: str
    minutes: int
    intro: str  # one or two paragraphs
    points: tuple[str, ...]
    practice: str
    preview: bool = False


@dataclass(frozen=True)
class ModuleSpec:
    title: str
    lessons: tuple[LessonSpec, ...]


@dataclass(frozen=True)
class CourseSpec:
    slug: str
    title: str
    subtitle: str
    category: str  # CategorySpec.slug
    instructor: str  # key of demo_content.INSTRUCTORS
    level: str  # Course.Level value
    price: int  # USD cents; 0 is free
    description: str  # Markdown
    outcomes: tuple[str, ...]
    modules: tuple[ModuleSpec, ...]
    published_days_ago: int
    popularity: int = 0  # how many community learners enroll
    is_published: bool = True
    access_days: int | None = None  # days of access from each purchase; None is lifetime


def lesson(title: str, minutes: int, intro: str, points: tuple[str, ...], practice: str, *, preview=False):
    return LessonSpec(title, minutes, intro, points, practice, preview)


def module(title: str, *lessons: LessonSpec) -> ModuleSpec:
    return ModuleSpec(title, lessons)
