"""The text of the demo catalogue that `manage.py seed_demo` loads.

Plain data, kept apart from the command so the command reads as the steps it takes.
Each category's courses live in their own module, the three-lesson ones in `short_courses`;
`COURSES` gathers them.
"""

from courses.demo_content.career import COURSES as _CAREER
from courses.demo_content.communication import COURSES as _COMMUNICATION
from courses.demo_content.creativity import COURSES as _CREATIVITY
from courses.demo_content.leadership import COURSES as _LEADERSHIP
from courses.demo_content.mindfulness import COURSES as _MINDFULNESS
from courses.demo_content.productivity import COURSES as _PRODUCTIVITY
from courses.demo_content.short_courses import COURSES as _SHORT
from courses.demo_content.spec import CategorySpec, CourseSpec, LessonSpec, ModuleSpec, PersonSpec, Quote

__all__ = [
    "ADMIN",
    "CATEGORIES",
    "COMMUNITY_LEARNERS",
    "COURSES",
    "INSTRUCTORS",
    "LEARNER",
    "QUOTES",
    "STAFF_ROLES",
    "CategorySpec",
    "CourseSpec",
    "LessonSpec",
    "ModuleSpec",
    "PersonSpec",
    "Quote",
    "lesson_body",
    "unwrap",
]

DEMO_PASSWORD = "innerwork-demo"  # noqa: S105 - published in the README on purpose
ADMIN_PASSWORD = "innerwork-admin"  # noqa: S105 - published in the README on purpose

ADMIN = PersonSpec("admin@innerwork.test", "Ines Admin", "Europe/Berlin", ADMIN_PASSWORD)
LEARNER = PersonSpec("learner@innerwork.test", "Jordan Lee", "Europe/London", DEMO_PASSWORD)
STAFF_PASSWORD = "innerwork-staff"  # noqa: S105 - published in the README on purpose
# One staff member per role (the groups come from commerce's 0004_staff_roles migration).
STAFF_ROLES = {
    "Support": PersonSpec("support@innerwork.test", "Sam Support", "Europe/Dublin", STAFF_PASSWORD),
    "Finance": PersonSpec("finance@innerwork.test", "Farah Finance", "Europe/Paris", STAFF_PASSWORD),
    "Marketing": PersonSpec("marketing@innerwork.test", "Milo Marketing", "America/New_York", STAFF_PASSWORD),
}

INSTRUCTORS = {
    "amara": PersonSpec("amara.okafor@innerwork.test", "Amara Okafor", "Africa/Lagos", DEMO_PASSWORD),
    "daniel": PersonSpec("daniel.reyes@innerwork.test", "Daniel Reyes", "America/Mexico_City", DEMO_PASSWORD),
    "mei": PersonSpec("mei.tanaka@innerwork.test", "Mei Tanaka", "Asia/Tokyo", DEMO_PASSWORD),
    "sofia": PersonSpec("sofia.lindqvist@innerwork.test", "Sofia Lindqvist", "Europe/Stockholm", DEMO_PASSWORD),
}

CATEGORIES = (
    CategorySpec("mindfulness", "Mindfulness & Wellbeing", "Calm, focus and energy you can rely on."),
    CategorySpec("leadership", "Leadership", "Lead people and change with clarity and care."),
    CategorySpec("productivity", "Productivity", "Do the work that matters without burning out."),
    CategorySpec("communication", "Communication", "Say what you mean and hear what is meant."),
    CategorySpec("career", "Career", "Choose, negotiate and grow your next move."),
    CategorySpec("creativity", "Creativity", "Make things regularly, and make them your own."),
)

COURSES: tuple[CourseSpec, ...] = (
    *_MINDFULNESS,
    *_LEADERSHIP,
    *_PRODUCTIVITY,
    *_COMMUNICATION,
    *_CAREER,
    *_CREATIVITY,
    *_SHORT,
)

# Other learners, so that "most popular" means something: (first name, last name).
COMMUNITY_LEARNERS = (
    ("Maya", "Kowalski"),
    ("Tom", "Becker"),
    ("Aisha", "Rahman"),
    ("Lucas", "Moreau"),
    ("Priya", "Nair"),
    ("Jonas", "Hansen"),
    ("Chloe", "Martin"),
    ("Kenji", "Sato"),
    ("Elena", "Rossi"),
    ("Samuel", "Adeyemi"),
    ("Hannah", "Schmidt"),
    ("Omar", "Haddad"),
    ("Grace", "O'Neill"),
    ("Mateo", "Silva"),
    ("Zoe", "Nguyen"),
    ("Ravi", "Iyer"),
    ("Isla", "Campbell"),
    ("Noah", "Fischer"),
    ("Leila", "Farahani"),
    ("Ben", "Carter"),
)

QUOTES = (
    Quote("We suffer more often in imagination than in reality.", "Seneca"),
    Quote("The impediment to action advances action. What stands in the way becomes the way.", "Marcus Aurelius"),
    Quote("Well begun is half done.", "Aristotle"),
    Quote("Nothing is particularly hard if you divide it into small jobs.", "Henry Ford"),
    Quote("Wherever you go, there you are.", "Jon Kabat-Zinn"),
    Quote("The best way out is always through.", "Robert Frost"),
    Quote("If I had more time, I would have written a shorter letter.", "Blaise Pascal"),
    Quote("You can't use up creativity. The more you use, the more you have.", "Maya Angelou"),
    Quote("Leadership is the capacity to translate vision into reality.", "Warren Bennis"),
    Quote("The most important thing in communication is hearing what isn't said.", "Peter Drucker"),
    Quote(
        "Almost everything will work again if you unplug it for a few minutes, including you.",
        "Anne Lamott",
    ),
    Quote("Opportunities multiply as they are seized.", "Sun Tzu"),
    Quote("It is not that we have a short time to live, but that we waste a lot of it.", "Seneca"),
    Quote("First say to yourself what you would be; and then do what you have to do.", "Epictetus"),
)


_BLOCK_MARKERS = ("- ", "* ", "> ", "#")


def unwrap(text: str) -> str:
    """Join the hard-wrapped lines of each paragraph (the source is wrapped to fit the code width),
    leaving list items, quotes and headings on their own lines."""
    paragraphs = []
    for block in text.strip().split("\n\n"):
        lines = block.split("\n")
        if any(line.lstrip().startswith(_BLOCK_MARKERS) or line[:1].isdigit() for line in lines):
            paragraphs.append(block)
        else:
            paragraphs.append(" ".join(line.strip() for line in lines))
    return "\n\n".join(paragraphs) + "\n"


def lesson_body(lesson: LessonSpec, *, quote: Quote) -> str:
    """A lesson's Markdown: the opening paragraphs, key ideas, an exercise and a quote."""
    points = "\n".join(f"- {point}" for point in lesson.points)
    return (
        f"{unwrap(lesson.intro)}\n"
        f"## Key ideas\n\n{points}\n\n"
        f"## Try it\n\n{unwrap(lesson.practice)}\n"
        f"> {quote.text}\n>\n> — {quote.author}\n"
    )
