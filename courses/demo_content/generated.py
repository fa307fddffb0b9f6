"""Names and text for the extra courses `seed_demo --scale N` generates (benchmarks, load tests).

Everything is a pure function of the course's number, so generating course 734 twice yields the
same row, which is what keeps `--scale` idempotent.
"""

ADJECTIVES = (
    "Practical",
    "Everyday",
    "Essential",
    "Applied",
    "Modern",
    "Mindful",
    "Confident",
    "Focused",
    "Resilient",
    "Curious",
    "Thoughtful",
    "Steady",
)

# (topic, category slug)
TOPICS = (
    ("Resilience", "mindfulness"),
    ("Breathing", "mindfulness"),
    ("Delegation", "leadership"),
    ("Team Rituals", "leadership"),
    ("Planning", "productivity"),
    ("Email Zero", "productivity"),
    ("Feedback", "communication"),
    ("Storytelling", "communication"),
    ("Interviewing", "career"),
    ("Networking", "career"),
    ("Sketching", "creativity"),
    ("Journaling", "creativity"),
    ("Habits", "productivity"),
    ("Listening", "communication"),
)

FORMATS = (
    "A Four-Week Sprint",
    "Foundations",
    "The Workshop",
    "Ten Small Lessons",
    "From Theory to Practice",
    "The Field Guide",
)

LEVELS = ("beginner", "intermediate", "advanced", "all_levels")
PRICES = (0, 1900, 2900, 3900, 4900, 6900, 9900)
MODULES_PER_COURSE = 2
LESSONS_PER_MODULE = 5


def slug(number: int) -> str:
    return f"practice-{number:04d}"


def title(number: int) -> str:
    combinations = len(ADJECTIVES) * len(TOPICS) * len(FORMATS)
    adjective = ADJECTIVES[number % len(ADJECTIVES)]
    topic, _ = TOPICS[(number // len(ADJECTIVES)) % len(TOPICS)]
    form = FORMATS[(number // (len(ADJECTIVES) * len(TOPICS))) % len(FORMATS)]
    edition = f" ({number // combinations + 1})" if number >= combinations else ""
    return f"{adjective} {topic}: {form}{edition}"


def category(number: int) -> str:
    return TOPICS[(number // len(ADJECTIVES)) % len(TOPICS)][1]


def topic(number: int) -> str:
    return TOPICS[(number // len(ADJECTIVES)) % len(TOPICS)][0]


def level(number: int) -> str:
    return LEVELS[number % len(LEVELS)]


def price(number: int) -> int:
    return PRICES[number % len(PRICES)]


def description(number: int) -> str:
    subject = topic(number).lower()
    return (
        f"A compact, practical course on {subject}. Short lessons, one exercise each, "
        f"and a clear routine to keep afterwards.\n\n"
        f"- Understand what makes {subject} work\n- Practise it in real situations\n- Keep it going"
    )


def module_title(number: int, position: int) -> str:
    return ("Getting started", "Making it a habit")[position % 2] + f" with {topic(number).lower()}"


def lesson_title(number: int, module_position: int, position: int) -> str:
    steps = ("Why it matters", "The core idea", "A first exercise", "Common pitfalls", "Putting it together")
    return f"{steps[position % len(steps)]} ({module_position + 1}.{position + 1})"


def lesson_body(number: int) -> str:
    subject = topic(number).lower()
    return (
        f"This lesson takes one step towards better {subject}.\n\n"
        f"Read it once, then try the exercise the same day.\n\n"
        f"## Key ideas\n\n- Start small\n- Repeat daily\n- Review weekly\n\n"
        f"## Try it\n\nSpend ten minutes applying today's idea, and write one line about how it went.\n\n"
        f"> Well begun is half done.\n>\n> — Aristotle\n"
    )
