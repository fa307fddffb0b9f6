"""Short courses: three lessons each, in the existing categories.

They make the demo catalogue longer than one page (COURSES_PAGE_SIZE is 12), so pagination shows,
and show that a course need not be a ten-lesson programme to be worth selling.
"""

from courses.demo_content.spec import CourseSpec, lesson, module

BREATHING_BREAKS = CourseSpec(
    slug="five-minute-breathing-breaks",
    title="Five-Minute Breathing Breaks",
    subtitle="Three simple breathing patterns to reset between meetings.",
    category="mindfulness",
    instructor="amara",
    level="beginner",
    price=0,
    published_days_ago=35,
    popularity=12,
    description="""\
You do not need a retreat or an app subscription to calm down. You need five minutes, a chair and a
way of breathing that tells your nervous system the emergency is over.

This short course teaches three patterns, when each one helps, and how to remember them on the day
you need them most.
""",
    outcomes=(
        "Use box breathing to steady yourself before a hard conversation",
        "Lengthen the out-breath to wind down after a stressful hour",
        "Build a breathing break into the gaps of a busy day",
    ),
    modules=(
        module(
            "Why breathing works",
            lesson(
                "Your breath is a remote control",
                6,
                """\
Breathing is the one part of the stress response you can steer on purpose. A slow breath, and above all
a slow breath out, signals safety to the body faster than any argument you can make to yourself.

You are not trying to feel nothing. You are turning the volume down far enough to think.""",
                (
                    "Stress speeds the breath up; slowing it down works in reverse.",
                    "The out-breath does more to calm you than the in-breath.",
                    "A few minutes is enough to notice a difference.",
                ),
                """\
Sit comfortably, breathe normally for one minute and count your breaths. Write the number down: it is
your starting point.""",
                preview=True,
            ),
        ),
        module(
            "Three patterns",
            lesson(
                "Box breathing and the long exhale",
                8,
                """\
Box breathing is four equal counts: in, hold, out, hold. It is steadying and easy to remember under
pressure, which is why pilots and nurses learn it.

The long exhale, breathing out for twice as long as you breathe in, is gentler and better for winding
down in the evening.""",
                (
                    "Box breathing: four counts in, hold, out, hold.",
                    "Long exhale: in for four, out for eight.",
                    "Stop if you feel light-headed; comfort matters more than the count.",
                ),
                """\
Try each pattern for two minutes today, one before lunch and one before bed, and note which felt
better.""",
            ),
        ),
        module(
            "Making it stick",
            lesson(
                "Breaks you will actually take",
                7,
                """\
A technique you forget is no technique. Tie your breathing break to something that already happens:
the end of a call, the kettle boiling, the walk back from a meeting room.

Small and regular beats long and occasional.""",
                (
                    "Attach the break to an existing routine.",
                    "Put a reminder where your eyes already go.",
                    "Count breaks taken, not minutes practised.",
                ),
                """\
Choose two moments in tomorrow's schedule for a breathing break and put them in your calendar
now.""",
            ),
        ),
    ),
)

INBOX_UNDER_CONTROL = CourseSpec(
    slug="inbox-under-control",
    title="Your Inbox, Under Control",
    subtitle="Process e-mail in two sittings a day and stop living in your inbox.",
    category="productivity",
    instructor="mei",
    level="beginner",
    price=1900,
    published_days_ago=15,
    popularity=4,
    description="""\
Most people check e-mail dozens of times a day and still feel behind. The problem is not the volume;
it is that the inbox has become a to-do list, a filing cabinet and a news feed at once.

In three short lessons you set up a simple system: process in batches, decide once per message, and
keep the inbox for what is new.
""",
    outcomes=(
        "Process e-mail in two or three planned sittings a day",
        "Decide what to do with each message the first time you read it",
        "Write shorter e-mails that get answered",
    ),
    modules=(
        module(
            "Batch, don't graze",
            lesson(
                "Two sittings a day",
                7,
                """\
Checking e-mail every few minutes feels responsive and costs you the ability to finish anything. Each
check pulls your attention away, and it takes far longer to come back than it took to glance.

Most messages can wait a few hours. The few that cannot usually arrive another way.""",
                (
                    "Choose fixed times to process e-mail.",
                    "Close the mail app between sittings.",
                    "Tell colleagues how to reach you for the truly urgent.",
                ),
                """\
Pick two times tomorrow to process e-mail, and keep the app closed outside them. Notice what, if
anything, went wrong.""",
                preview=True,
            ),
        ),
        module(
            "Decide once",
            lesson(
                "Reply, schedule, file or delete",
                9,
                """\
Reading a message and leaving it in the inbox means you will read it again, and again. The fix is to
decide on the first reading what it needs.

If it takes under two minutes, do it now. Otherwise it becomes a task with a date, or it leaves.""",
                (
                    "Under two minutes: reply now.",
                    "Longer: turn it into a task with a date.",
                    "Reference: file it in one archive folder, not twenty.",
                    "Everything else: delete or unsubscribe.",
                ),
                """\
Take the oldest fifty messages in your inbox and give each one of the four decisions. Time how long
it takes.""",
            ),
        ),
        module(
            "Send less, get less",
            lesson(
                "Short e-mails that get answered",
                8,
                """\
Every e-mail you send invites more e-mail. Long messages with several questions get partial answers
and follow-ups; short ones with a clear request get done.

Put the request in the first line and the subject, and make it easy to say yes.""",
                (
                    "One message, one request.",
                    "Say what you need and by when in the first line.",
                    "Offer a default: 'unless I hear otherwise by Friday, I will...'",
                ),
                """\
Rewrite the last long e-mail you sent so it fits in five lines, with the request first.""",
            ),
        ),
    ),
)

FIRST_NINETY_DAYS = CourseSpec(
    slug="your-first-ninety-days",
    title="Your First Ninety Days in a New Role",
    subtitle="Learn fast, earn trust early and choose your first wins with care.",
    category="career",
    instructor="mei",
    level="intermediate",
    price=3900,
    published_days_ago=25,
    popularity=3,
    description="""\
The first three months in a new job shape how people see you for years. Move too fast and you break
things you did not understand; move too slowly and you become part of the furniture.

This course gives you a plan for the first ninety days: what to learn, whom to meet, and how to pick
early wins that matter to the people who hired you.
""",
    outcomes=(
        "Map the people and the unwritten rules of a new team",
        "Agree on what success looks like with your manager",
        "Choose two or three early wins and deliver them",
    ),
    modules=(
        module(
            "Learn before you change",
            lesson(
                "A listening tour",
                9,
                """\
In your first weeks, your most valuable asset is that you are new: you can ask naive questions
without losing face. Use it to meet people across the team and beyond it.

Ask each of them the same few questions and write down what you hear. Patterns appear quickly.""",
                (
                    "What is working well here that we must keep?",
                    "What gets in the way of doing good work?",
                    "If you were me, what would you focus on first?",
                ),
                """\
List ten people to meet in your first month, including two outside your own team, and book the first
three conversations.""",
                preview=True,
            ),
        ),
        module(
            "Agree on success",
            lesson(
                "The expectations conversation",
                10,
                """\
Many new starters fail at goals nobody told them about. Your manager has a picture of what a good first
quarter looks like, and it is rarely the one in the job description.

Ask for it directly, write it down and check it again after a month.""",
                (
                    "Ask what a great first ninety days would look like.",
                    "Agree on how and how often you will review progress.",
                    "Confirm what you should not touch yet.",
                ),
                """\
Prepare five questions for an expectations conversation with your manager and schedule it for this
week.""",
            ),
        ),
        module(
            "Early wins",
            lesson(
                "Choosing wins that count",
                8,
                """\
An early win builds trust when it solves a problem others care about, not one you happen to find
interesting. The listening tour told you what those problems are.

Pick something visible, achievable within weeks, and connected to your manager's priorities.""",
                (
                    "Solve a problem people already complain about.",
                    "Keep the scope small enough to finish in a month.",
                    "Share the credit with the people who helped.",
                ),
                """\
From your listening notes, pick two candidate wins and write one sentence each on why they matter and
to whom.""",
            ),
        ),
    ),
)

COURSES = (BREATHING_BREAKS, INBOX_UNDER_CONTROL, FIRST_NINETY_DAYS)
