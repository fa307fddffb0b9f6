"""Leadership courses (one of them still a draft, so staff can see how drafts look)."""

from courses.demo_content.spec import CourseSpec, lesson, module

FIRST_TIME_MANAGER = CourseSpec(
    slug="first-time-manager",
    title="First-Time Manager",
    subtitle="The first ninety days of leading the people you used to work beside.",
    category="leadership",
    instructor="daniel",
    level="beginner",
    price=7900,
    published_days_ago=150,
    popularity=14,
    description="""\
You were promoted because you were good at the work. Now your job is to make *other people* good at it,
and nobody handed you a manual.

This course is that manual, written by someone who got most of it wrong the first time. It covers the
conversations, habits and decisions that matter most in your first three months:

- running one-to-ones people look forward to
- delegating without dumping or hovering
- giving feedback that lands
- handling the awkward shift from peer to manager

Every lesson ends with something to do *this week*, not someday.
""",
    outcomes=(
        "Run weekly one-to-ones with a simple, repeatable structure",
        "Delegate outcomes instead of tasks",
        "Give specific feedback, positive and critical, without drama",
        "Set expectations with former peers clearly and kindly",
        "Protect your own time so you can still think",
    ),
    modules=(
        module(
            "From doing to leading",
            lesson(
                "What actually changes",
                9,
                """\
As an individual contributor, your output was your work. As a manager, your output is the output of
your team. That sounds simple, and it changes almost everything about how you spend a day.

Many new managers keep doing their old job in the evenings because it feels productive. This lesson
explains why that is a trap and what to do instead.""",
                (
                    "Your output is now your team's output.",
                    "Being the best individual contributor on the team is no longer the goal.",
                    "Feeling less productive in the first months is normal.",
                ),
                """\
List everything you did last week. Mark each item *lead*, *do* or *drop*. Pick one *do* item you will
hand over this week.""",
                preview=True,
            ),
            lesson(
                "From peer to manager",
                11,
                """\
The hardest part of a first promotion is often the friendships. Yesterday you complained about
management together; today you are management.

Avoiding the topic does not work. A direct, warm conversation early on does.""",
                (
                    "Name the change openly in your first one-to-one.",
                    "Ask what they need from you in the new role.",
                    "Be consistent: fairness matters more than friendliness.",
                ),
                """\
Write the first two sentences you will say to a former peer about your new role. Say them out loud
once before the meeting.""",
            ),
        ),
        module(
            "One-to-ones that matter",
            lesson(
                "A simple structure",
                10,
                """\
A good one-to-one is the report's meeting, not yours. The agenda is theirs first, then yours, then the
future.

Thirty minutes a week, never cancelled, rarely moved. That consistency is itself the message.""",
                (
                    "Their topics first, your topics second, growth last.",
                    "Keep a shared running document so nothing gets lost.",
                    "Reschedule if you must; never silently cancel.",
                ),
                """\
Create a shared one-to-one document for each report with three headings: *their topics*, *my topics*,
*looking ahead*.""",
            ),
            lesson(
                "Questions that open people up",
                12,
                """\
'Any problems?' usually gets 'No, all good'. Better questions are specific, open and a little
unexpected.

This lesson gives you a bank of questions for different situations and explains when to stay silent.""",
                (
                    "'What's the hardest part of your week?' beats 'How's it going?'",
                    "Ask follow-up questions before offering advice.",
                    "Silence after a question is where the real answer arrives.",
                ),
                """\
Choose three questions from the bank and use one in each of your next three one-to-ones. Note what
surprised you.""",
            ),
            lesson(
                "Following up",
                7,
                """\
Nothing kills trust in one-to-ones faster than forgetting what was said. Following up, even on small
things, shows people they were heard.

The running document does most of the work if you actually read it before each meeting.""",
                (
                    "Review the document for two minutes before each meeting.",
                    "Close loops explicitly: 'Last week you mentioned...'",
                    "Write down your own commitments and keep them.",
                ),
                """\
Before your next one-to-one, find one thing your report mentioned last time and ask about it first.""",
            ),
        ),
        module(
            "Delegation and feedback",
            lesson(
                "Delegating outcomes, not tasks",
                11,
                """\
'Please update the slides' is a task. 'The board needs to understand why we are changing suppliers' is
an outcome. Delegating outcomes lets people use their judgement and grow.

The skill is in agreeing what *done* looks like and how often you will check in.""",
                (
                    "Describe the outcome and why it matters.",
                    "Agree on constraints: deadline, budget, who else is involved.",
                    "Set check-in points up front instead of hovering.",
                ),
                """\
Pick one piece of work you would normally do yourself and delegate it as an outcome this week, using
the three points above.""",
            ),
            lesson(
                "Feedback that lands",
                13,
                """\
Vague praise ('great job') and vague criticism ('be more proactive') both fail for the same reason:
the other person cannot act on them.

A simple pattern helps: the situation, the behaviour you saw, and its impact. Then ask, don't tell.""",
                (
                    "Situation, behaviour, impact: keep it factual.",
                    "Give positive feedback just as specifically as critical feedback.",
                    "End with a question: 'How do you see it?'",
                ),
                """\
Write one piece of positive and one piece of developmental feedback for someone on your team using the
pattern. Deliver the positive one today.""",
            ),
        ),
        module(
            "Looking after yourself",
            lesson(
                "Protecting time to think",
                8,
                """\
New managers often end up in meetings from nine to five and do their own thinking at night. That is not
sustainable and your team notices when you are running on empty.

Blocking time is not selfish; it is part of the job.""",
                (
                    "Block two focus sessions a week and treat them like meetings.",
                    "Say no to meetings where you are not needed.",
                    "Model the boundaries you want your team to have.",
                ),
                """\
Put two 90-minute focus blocks in next week's calendar and decline one meeting you don't need to
attend.""",
            ),
            lesson(
                "Your first ninety days plan",
                10,
                """\
We finish by putting it all together: a simple plan for your first three months with goals for your
team, your relationships and yourself.

Share it with your own manager. It turns a vague new role into a conversation about priorities.""",
                (
                    "Days 1–30: listen and learn.",
                    "Days 31–60: set expectations and quick wins.",
                    "Days 61–90: improve one team process together.",
                ),
                """\
Draft your 90-day plan on one page and book 30 minutes with your manager to review it.""",
            ),
        ),
    ),
)

LEADING_THROUGH_CHANGE = CourseSpec(
    slug="leading-through-change",
    title="Leading Through Change",
    subtitle="Guide a team through reorganisations, new strategies and uncertainty without losing trust.",
    category="leadership",
    instructor="daniel",
    level="advanced",
    price=9900,
    published_days_ago=20,
    popularity=6,
    description="""\
Change programmes fail less often because of bad plans than because people stop believing in them.
This course is about the human side of change: how you explain it, how you listen, and how you keep
going when the first enthusiasm fades.

It assumes you already manage a team and have lived through at least one change you did not choose.
""",
    outcomes=(
        "Explain a change so people understand the why, not just the what",
        "Anticipate and respond to resistance constructively",
        "Keep momentum after the launch",
        "Look after your own energy while leading others through uncertainty",
    ),
    modules=(
        module(
            "Making the case",
            lesson(
                "The story of the change",
                12,
                """\
People do not follow slide decks; they follow stories. A good change story has a clear *from* and *to*,
an honest account of what is being lost, and a reason to believe the destination is worth it.

Leaders often skip the loss. That is the part people remember.""",
                (
                    "Say what is changing and what is staying the same.",
                    "Name what people will lose, honestly.",
                    "Explain why now: what happens if we don't change?",
                ),
                """\
Write your change story in five sentences: from, to, why now, what we lose, what we gain. Test it on a
colleague outside the team.""",
                preview=True,
            ),
            lesson(
                "Announcing without surprises",
                10,
                """\
The announcement is a moment people will replay for months. Sequence matters: who hears first, in what
setting, and what happens in the first hour afterwards.

A good announcement is followed immediately by time to ask questions.""",
                (
                    "Tell the people most affected first, in person where possible.",
                    "Follow a big announcement with small-group conversations.",
                    "Never let people learn about a change affecting them from rumours.",
                ),
                """\
Map your announcement sequence: groups, order, format and who answers questions afterwards.""",
            ),
        ),
        module(
            "Working with resistance",
            lesson(
                "Resistance is information",
                11,
                """\
When people push back they are telling you something: that they don't understand, don't agree, or
don't trust the people leading the change. Each needs a different response.

Treating all resistance as obstruction guarantees you will miss the useful part.""",
                (
                    "Don't understand: explain differently.",
                    "Don't agree: listen and be open to adjusting.",
                    "Don't trust: show it through consistent action over time.",
                ),
                """\
List the three strongest objections you have heard. Classify each and plan one response.""",
            ),
            lesson(
                "Conversations with sceptics",
                13,
                """\
Your most vocal sceptics often care the most. Bringing them close, asking them to stress-test the plan,
can turn critics into the change's most credible advocates.

This lesson walks through a sceptic conversation step by step.""",
                (
                    "Ask for their concerns before defending the plan.",
                    "Agree on what evidence would change their mind.",
                    "Give them a real role, not a token one.",
                ),
                """\
Invite one sceptic to a 30-minute conversation this week. Start with 'What worries you most?'""",
            ),
            lesson(
                "When the plan needs to change",
                9,
                """\
Sometimes resistance is right. Adjusting a plan in response to good feedback is a strength, as long as
you explain what changed and why.

Stubbornness costs more credibility than admitting a mistake.""",
                (
                    "Separate the goal, which should be stable, from the plan, which can move.",
                    "Close the loop with the people whose feedback changed the plan.",
                    "Record decisions and their reasons.",
                ),
                """\
Review your plan for one element you would change given what you now know. Decide and communicate.""",
            ),
        ),
        module(
            "Keeping momentum",
            lesson(
                "The dip after launch",
                10,
                """\
Almost every change goes through a dip: productivity falls, frustration rises and people wonder whether
the old way was better. It is predictable, and it is temporary if you lead through it.

Celebrating small wins visibly is the most reliable way through the dip.""",
                (
                    "Expect the dip and tell people it is coming.",
                    "Make progress visible with simple measures.",
                    "Celebrate early wins publicly and specifically.",
                ),
                """\
Pick two simple measures of progress and share them with the team every week for the next month.""",
            ),
            lesson(
                "Looking after yourself as a change leader",
                9,
                """\
Leading change is emotionally expensive. You absorb other people's anxiety while managing your own
doubts, often without anyone to talk to.

Finding a peer, a coach or a mentor is not a luxury here; it is part of doing the job well.""",
                (
                    "You don't need to have every answer; you need to be honest.",
                    "Find someone outside the team to think aloud with.",
                    "Schedule recovery during the change, not only after it.",
                ),
                """\
Identify one person you can talk to about the change candidly and book a conversation with them.""",
            ),
        ),
    ),
)

COACHING_FOR_MANAGERS = CourseSpec(
    slug="coaching-conversations-for-managers",
    title="Coaching Conversations for Managers",
    subtitle="Help people solve their own problems with better questions. (In preparation.)",
    category="leadership",
    instructor="daniel",
    level="intermediate",
    price=6900,
    published_days_ago=0,
    is_published=False,
    description="""\
A draft course, visible to staff only. It will teach a simple coaching model managers can use in
ten-minute conversations.
""",
    outcomes=("Use a four-step coaching model in everyday conversations",),
    modules=(
        module(
            "Why coach?",
            lesson(
                "Advice versus coaching",
                8,
                """\
Giving advice feels helpful and is often the slowest way to help. Coaching builds the other person's
ability to solve the next problem without you.""",
                (
                    "Advice solves one problem.",
                    "Coaching builds capability.",
                    "Both have their place.",
                ),
                """\
Notice how often you give advice in your next three conversations.""",
            ),
        ),
    ),
)

COURSES = (FIRST_TIME_MANAGER, LEADING_THROUGH_CHANGE, COACHING_FOR_MANAGERS)
