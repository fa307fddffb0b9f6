"""Creativity courses."""

from courses.demo_content.spec import CourseSpec, lesson, module

DAILY_CREATIVE_PRACTICE = CourseSpec(
    slug="daily-creative-practice",
    title="The Daily Creative Practice",
    subtitle="Fifteen minutes a day to make things again, whatever your medium.",
    category="creativity",
    instructor="sofia",
    level="beginner",
    price=2900,
    published_days_ago=10,
    popularity=7,
    description="""\
Creativity is less about inspiration than about showing up. This course helps you build a small daily
practice, in drawing, writing, music or anything else, that survives busy weeks and blank pages.

You will make something every day of the course. Most of it will not be good. That is the point.
""",
    outcomes=(
        "Set up a fifteen-minute daily practice that fits your life",
        "Get past the blank page with simple constraints",
        "Deal with the inner critic without quitting",
        "Share work regularly and learn from feedback",
    ),
    modules=(
        module(
            "Showing up",
            lesson(
                "Small enough to do every day",
                7,
                """\
The most common reason creative habits fail is ambition. An hour a day sounds inspiring and lasts a
week. Fifteen minutes sounds trivial and lasts a year.

Make it so small you have no excuse.""",
                (
                    "Fifteen minutes beats an hour you never start.",
                    "Same time, same place makes it automatic.",
                    "Track your streak on paper.",
                ),
                """\
Choose your medium, time and place for a fifteen-minute practice. Start today.""",
                preview=True,
            ),
            lesson(
                "Preparing the space",
                6,
                """\
Friction kills habits. If your sketchbook is in a drawer under a pile of bills, you will scroll your
phone instead. A ready-to-go space removes the decision.

It doesn't need to be big; it needs to be ready.""",
                (
                    "Keep your tools visible and ready.",
                    "Remove one distraction from the space.",
                    "End each session by setting up the next one.",
                ),
                """\
Set up your creative corner tonight so tomorrow's session starts in under a minute.""",
            ),
        ),
        module(
            "Beyond the blank page",
            lesson(
                "Constraints set you free",
                9,
                """\
'Make anything' is paralysing. 'Draw your breakfast using only three lines' is fun. Constraints give
your mind something to push against.

Professionals use them all the time.""",
                (
                    "Limit your materials, time or subject.",
                    "Use prompts when you are stuck.",
                    "Change constraints weekly to keep it fresh.",
                ),
                """\
Use one constraint from the prompt list for each session this week.""",
            ),
            lesson(
                "Copying to learn",
                8,
                """\
Every artist learned by copying. Recreating work you admire teaches you technique and taste faster than
starting from nothing.

Copying to learn is not plagiarism; publishing copies as your own is.""",
                (
                    "Copy work you admire, as closely as you can.",
                    "Notice the choices the creator made.",
                    "Then make a variation of your own.",
                ),
                """\
Copy a small piece of work you admire, then make one variation of it.""",
            ),
            lesson(
                "Quantity leads to quality",
                8,
                """\
In a famous classroom story, the students graded on quantity produced better work than those graded on
quality. Making lots of things teaches you faster than perfecting one.

Give yourself permission to make bad work.""",
                (
                    "Aim for volume in the early weeks.",
                    "Don't judge a session by its result.",
                    "Review your body of work monthly, not daily.",
                ),
                """\
Make three quick pieces in one session instead of one careful one.""",
            ),
        ),
        module(
            "Keeping going",
            lesson(
                "The inner critic",
                10,
                """\
Everyone who makes things hears a voice saying it isn't good enough. The aim is not to silence it but to
stop it from deciding whether you continue.

Give it a name, thank it and carry on.""",
                (
                    "The critic is useful for editing, not for creating.",
                    "Separate making time from judging time.",
                    "Notice the critic's favourite phrases.",
                ),
                """\
Write down the three things your inner critic says most often, and a reply to each.""",
            ),
            lesson(
                "Sharing your work",
                9,
                """\
Sharing feels risky and makes your practice real. A small, friendly audience, a friend, a group or an
online community, gives you feedback and a reason to keep going.

Start small and share often.""",
                (
                    "Share weekly with a small group.",
                    "Ask for specific feedback.",
                    "Celebrate the streak, not just the best pieces.",
                ),
                """\
Share one piece this week with a friend or community and ask one specific question about it.""",
            ),
        ),
    ),
)

WRITING_TO_THINK = CourseSpec(
    slug="writing-to-think",
    title="Writing to Think",
    subtitle="Use journaling and short notes to untangle problems and see ideas clearly.",
    category="creativity",
    instructor="amara",
    level="all_levels",
    price=0,
    published_days_ago=5,
    popularity=5,
    description="""\
Writing is not only a way to share what you think; it is a way to find out. This short free course shows
you simple journaling and note-taking techniques that turn a tangle of thoughts into something you can
act on.

All you need is a notebook, or a blank document, and ten minutes.
""",
    outcomes=(
        "Use free writing to get unstuck",
        "Question your own assumptions on paper",
        "Keep a simple notebook of ideas you actually revisit",
    ),
    modules=(
        module(
            "Writing to find out",
            lesson(
                "Free writing",
                8,
                """\
Set a timer for ten minutes and write without stopping, without editing, without worrying about
spelling. When you don't know what to write, write that.

It sounds pointless and regularly produces the one sentence you needed.""",
                (
                    "Keep the pen moving for the whole time.",
                    "Don't reread until the timer ends.",
                    "Underline anything that surprises you.",
                ),
                """\
Do one ten-minute free write about a problem you are stuck on. Underline one surprising sentence.""",
                preview=True,
            ),
            lesson(
                "Writing prompts that dig",
                9,
                """\
Good prompts go under the surface. 'What am I avoiding?' 'What would I do if I weren't afraid?' 'What
would my future self thank me for?'

A prompt gives the free write a direction.""",
                (
                    "Start each session with one prompt.",
                    "Choose prompts that are slightly uncomfortable.",
                    "Return to a prompt a month later and compare.",
                ),
                """\
Choose three prompts from the list and use one each day this week.""",
            ),
        ),
        module(
            "Thinking on paper",
            lesson(
                "Arguing with yourself",
                10,
                """\
Writing down a belief and then writing the strongest case against it is one of the best ways to test
your thinking. It turns vague worries into specific claims you can check.

You will often find the worry was smaller than it felt.""",
                (
                    "Write the belief as one clear sentence.",
                    "Write the best argument against it.",
                    "Decide what evidence would settle it.",
                ),
                """\
Pick one belief that is holding you back and write the case for and against it.""",
            ),
            lesson(
                "From notes to decisions",
                9,
                """\
Pages of reflection are useful only if they lead somewhere. End each session with one question: what
will I do differently because of this?

Small actions turn insight into change.""",
                (
                    "Finish every session with one next action.",
                    "Keep actions small and specific.",
                    "Review last week's actions before writing new ones.",
                ),
                """\
Add a 'next action' line at the end of each journal entry this week.""",
            ),
        ),
        module(
            "A notebook you use",
            lesson(
                "A simple system",
                8,
                """\
Notebooks fail when they become archives nobody reads. A simple index, a few tags and a weekly review
make your notes useful months later.

Keep the system simpler than you think you need.""",
                (
                    "Number pages and keep an index at the front.",
                    "Use three or four tags at most.",
                    "Reread the week's notes every Friday.",
                ),
                """\
Set up an index page in your notebook and tag this week's entries.""",
            ),
            lesson(
                "Making it a habit",
                7,
                """\
Like any practice, writing to think works best when it is regular. Attach it to an existing habit, such
as your morning coffee, and keep the minimum small.

Even three lines count.""",
                (
                    "Attach writing to something you already do daily.",
                    "Three lines is a valid entry.",
                    "Track days written, not words written.",
                ),
                """\
Choose your anchor habit and write at least three lines every day for the next two weeks.""",
            ),
        ),
    ),
)

COURSES = (DAILY_CREATIVE_PRACTICE, WRITING_TO_THINK)
