"""Productivity courses."""

from courses.demo_content.spec import CourseSpec, lesson, module

DEEP_WORK_WEEKS = CourseSpec(
    slug="deep-work-weeks",
    title="Deep Work Weeks",
    subtitle="Protect long stretches of focus in a job full of meetings and messages.",
    category="productivity",
    instructor="mei",
    level="intermediate",
    price=4900,
    published_days_ago=75,
    popularity=12,
    description="""\
Your best work needs hours of uninterrupted attention, and your calendar and chat tools are designed to
make sure you never get them. This course shows you how to win those hours back, without becoming the
colleague nobody can reach.

We cover three layers:

1. **Attention:** why switching costs so much and how to train focus.
2. **Time:** designing a week with protected deep-work blocks.
3. **Team:** agreeing on norms so focus is normal, not rude.
""",
    outcomes=(
        "Plan two to four deep-work blocks a week and keep them",
        "Reduce context switching with batching and clear channels",
        "Agree on response-time norms with your team",
        "Measure focus time so you know whether it is working",
    ),
    modules=(
        module(
            "The cost of switching",
            lesson(
                "Attention residue",
                9,
                """\
When you switch from one task to another, part of your attention stays behind. Researchers call it
*attention residue*, and it explains why a day of quick replies leaves you tired and unfinished.

Every notification is not one interruption; it is the interruption plus the time to get back.""",
                (
                    "Switching has a hidden cost that lingers after the switch.",
                    "Short checks of e-mail are not short for your brain.",
                    "Fewer, longer blocks beat many short ones.",
                ),
                """\
For one day, tally every switch between tasks on a sticky note. Most people are surprised by the
number.""",
                preview=True,
            ),
            lesson(
                "Training focus like a muscle",
                11,
                """\
If you are used to checking your phone every few minutes, a two-hour focus block will feel impossible at
first. That is normal. Focus can be trained, gradually.

Start with 25 minutes and add five each week.""",
                (
                    "Boredom is the price of entry to deep focus.",
                    "Increase block length gradually.",
                    "Keep a 'distraction list' to park thoughts for later.",
                ),
                """\
Do one 25-minute focus block every day this week with your phone in another room. Write down each urge
to check something instead of acting on it.""",
            ),
            lesson(
                "Choosing what deserves depth",
                8,
                """\
Not every task needs deep work. Expense reports don't; the strategy memo does. Knowing the difference
lets you spend your best hours on the work that moves things forward.

We sort tasks into deep, shallow and delete.""",
                (
                    "Deep work creates new value and is hard to replicate.",
                    "Shallow work is necessary but should be batched.",
                    "Some work can simply be deleted.",
                ),
                """\
Sort next week's tasks into deep, shallow and delete. Delete at least one.""",
            ),
        ),
        module(
            "Designing the week",
            lesson(
                "Blocking time that stays blocked",
                10,
                """\
A focus block that gets moved every time someone asks is not a block. The trick is to choose times when
you are least likely to be needed and to make them visible.

Mornings work for most people; find what works for you.""",
                (
                    "Put blocks in your calendar as real events.",
                    "Choose the same times every week.",
                    "Decide in advance what you will work on in each block.",
                ),
                """\
Schedule three focus blocks for next week and write the task in each one now.""",
            ),
            lesson(
                "Batching the shallow work",
                9,
                """\
E-mail, chat, approvals and admin still need doing. Doing them in two or three batches a day keeps them
from eating the gaps in between.

Batching also makes you faster at them.""",
                (
                    "Check messages at set times, not continuously.",
                    "Use templates for repetitive replies.",
                    "End the day with a ten-minute shutdown routine.",
                ),
                """\
Choose three message-checking times for tomorrow and turn off notifications outside them.""",
            ),
        ),
        module(
            "Focus as a team habit",
            lesson(
                "Response-time norms",
                12,
                """\
Much of the pressure to reply instantly is imagined. Agreeing as a team on how fast different channels
need answers removes the guesswork and the guilt.

Urgent things need an urgent channel, and that channel should be rare.""",
                (
                    "Chat: within a few hours. E-mail: within a day. Phone: urgent only.",
                    "Write the norms down and revisit them quarterly.",
                    "Managers must model the norms, or nobody will follow them.",
                ),
                """\
Draft response-time norms for your team and propose them at your next team meeting.""",
            ),
            lesson(
                "Measuring focus time",
                8,
                """\
What gets measured gets protected. Tracking hours of deep work per week tells you whether your system
works and helps you spot creeping meetings early.

A simple tally is enough.""",
                (
                    "Count hours of real focus, not hours at a desk.",
                    "Review weekly and adjust the plan.",
                    "Aim for steady improvement, not a perfect week.",
                ),
                """\
Track your deep-work hours for the next two weeks and compare the totals.""",
            ),
            lesson(
                "Your deep work charter",
                10,
                """\
To finish, write a one-page charter: when you do deep work, how people can reach you in an emergency,
and how you will review it.

Sharing it with your team turns a private habit into a shared agreement.""",
                (
                    "When: your regular blocks.",
                    "How to reach you if something is truly urgent.",
                    "When you will review and adjust.",
                ),
                """\
Write and share your deep work charter with your team or manager.""",
            ),
        ),
    ),
)

WEEKLY_REVIEW = CourseSpec(
    slug="the-weekly-review",
    title="The Weekly Review",
    subtitle="Thirty minutes every Friday that make the next week calmer and clearer.",
    category="productivity",
    instructor="mei",
    level="beginner",
    price=0,
    published_days_ago=200,
    popularity=20,
    description="""\
A weekly review is the habit that keeps every other productivity system working. Once a week you empty
your head, look back at what happened and decide what matters next.

This short free course walks you through a review you can finish in thirty minutes, and helps you make
it stick.
""",
    outcomes=(
        "Run a complete weekly review in thirty minutes",
        "Empty your head into a trusted list",
        "Choose three priorities for the coming week",
        "Make the review a habit that survives busy weeks",
    ),
    modules=(
        module(
            "Why review",
            lesson(
                "The open loops in your head",
                7,
                """\
Every unfinished commitment, from 'reply to Sam' to 'fix the roof', takes up a little attention until it
is written down somewhere you trust. Dozens of them add up to a constant background hum.

The weekly review turns that hum into a list.""",
                (
                    "Your mind is for having ideas, not holding them.",
                    "An open loop closes when it is captured in a trusted place.",
                    "Trust comes from reviewing the list regularly.",
                ),
                """\
Set a timer for five minutes and write down every open loop you can think of. Don't sort; just
write.""",
                preview=True,
            ),
            lesson(
                "Looking back before looking ahead",
                8,
                """\
Most planning skips the look back. Yet last week is full of information: what took longer than
expected, what you avoided, what went well.

Five minutes of reflection makes the next plan more realistic.""",
                (
                    "Review your calendar and notes from last week.",
                    "Ask: what worked, what didn't, what did I avoid?",
                    "Carry forward anything unfinished deliberately.",
                ),
                """\
Answer the three questions about last week in writing. Keep it to a few lines each.""",
            ),
        ),
        module(
            "The thirty-minute review",
            lesson(
                "Step by step",
                12,
                """\
Here is the whole review: collect, process, look back, look ahead, choose. Each step has a time box so
the review never turns into an afternoon.

Follow it exactly for the first month; adapt it afterwards.""",
                (
                    "Collect (5 min): inbox, notes, bags, desktop.",
                    "Process and look back (15 min): decide next actions; reflect on the week.",
                    "Look ahead and choose (10 min): calendar, deadlines, three priorities.",
                ),
                """\
Run the full review this Friday with a timer. Note which step ran over.""",
            ),
            lesson(
                "Choosing three priorities",
                9,
                """\
A list of forty tasks is not a plan. Three priorities for the week are: they tell you what to protect
when the week gets busy.

Good priorities are outcomes, not activities.""",
                (
                    "Three is enough; more dilutes attention.",
                    "Phrase them as outcomes: 'proposal sent', not 'work on proposal'.",
                    "Put time for each into your calendar.",
                ),
                """\
Write next week's three priorities as outcomes and block time for each.""",
            ),
        ),
        module(
            "Making it stick",
            lesson(
                "A habit that survives busy weeks",
                8,
                """\
The review is most valuable in the weeks you feel too busy to do it. Anchoring it to a fixed time and
place, and having a ten-minute 'minimum' version, keeps the streak alive.

Missing one week is fine; missing two is the start of stopping.""",
                (
                    "Same time, same place, every week.",
                    "Have a ten-minute minimum version for chaotic weeks.",
                    "Never miss twice in a row.",
                ),
                """\
Put a recurring 30-minute review in your calendar and write your ten-minute minimum version on a
card.""",
            ),
            lesson(
                "Reviewing the review",
                6,
                """\
After a month, step back and adjust the review itself. Which steps help most? Which feel like ritual?
Your review should fit your work, not a book.

Keep the core: collect, reflect, choose.""",
                (
                    "Adjust after four weeks, not before.",
                    "Drop steps that never change anything.",
                    "Keep collect, reflect and choose.",
                ),
                """\
After your fourth review, change one thing about the process and write down why.""",
            ),
        ),
    ),
)

COURSES = (DEEP_WORK_WEEKS, WEEKLY_REVIEW)
