"""Career courses."""

from courses.demo_content.spec import CourseSpec, lesson, module

CAREER_COMPASS = CourseSpec(
    slug="career-compass",
    title="Career Compass: Finding Your Next Move",
    subtitle="Work out what you want from work, and test it before you leap.",
    category="career",
    instructor="mei",
    level="all_levels",
    price=0,
    published_days_ago=105,
    popularity=13,
    description="""\
Feeling stuck at work is common; knowing what to do about it is rare. This free course helps you get
specific about what you want, explore options cheaply and decide your next step with confidence.

You will finish with:

- a short list of the values and strengths you want your work to use
- two or three career experiments you can start this month
- a decision you can explain to yourself and to others
""",
    outcomes=(
        "Name the values and strengths you want your work to use",
        "Generate options beyond the obvious next job title",
        "Design small, low-risk career experiments",
        "Make and explain a career decision",
    ),
    modules=(
        module(
            "Know what you want",
            lesson(
                "Energy audit",
                10,
                """\
Before asking 'what job?', ask 'what kind of day?'. Some tasks leave you energised, others drained, and
the pattern says more about your ideal work than any personality test.

Two weeks of simple notes is enough to see it.""",
                (
                    "Track energy, not just time.",
                    "Look for patterns across tasks, people and settings.",
                    "Energy is data about fit.",
                ),
                """\
At the end of each workday for two weeks, note the task that gave you the most energy and the one that
drained you most.""",
                preview=True,
            ),
            lesson(
                "Values you won't trade",
                9,
                """\
Salary, autonomy, stability, impact, learning: everyone wants all of them, and every job trades some
against others. Knowing which two or three you won't trade makes decisions easier.

Ranking forces the trade-offs into the open.""",
                (
                    "Pick your top three values from the list in the resources.",
                    "Rank them: which would you keep if you could keep only one?",
                    "Check your current role against the ranking.",
                ),
                """\
Rank your top five work values and score your current job from 1 to 5 on each.""",
            ),
        ),
        module(
            "Explore options",
            lesson(
                "More than the next title",
                11,
                """\
The obvious next step is often the title above yours. But careers move sideways, into new fields, into
part-time combinations and into self-employment too.

Generating at least five options before choosing leads to better decisions.""",
                (
                    "List options in four directions: up, sideways, out, on your own.",
                    "Include at least one option that feels slightly ridiculous.",
                    "Don't evaluate while generating.",
                ),
                """\
Write down five different career options, at least one in each direction.""",
            ),
            lesson(
                "Career experiments",
                12,
                """\
You don't have to quit to find out whether you would enjoy something. Conversations, side projects,
short courses and volunteering let you test an option cheaply.

Good experiments are small, quick and teach you something specific.""",
                (
                    "Talk to three people doing the work you are curious about.",
                    "Try a two-week side project.",
                    "Decide in advance what you want to learn from each experiment.",
                ),
                """\
Design one experiment for your most interesting option and put the first step in your calendar.""",
            ),
        ),
        module(
            "Decide and move",
            lesson(
                "Making the call",
                9,
                """\
At some point exploring has to turn into deciding. A simple decision matrix with your values, plus a
gut check, is enough for most career choices.

No option will be perfect; choose the one you can commit to.""",
                (
                    "Score options against your ranked values.",
                    "Notice your gut reaction to the winner.",
                    "Set a date to decide and keep it.",
                ),
                """\
Score your top three options against your values and write two sentences explaining your choice.""",
            ),
            lesson(
                "Telling your story",
                8,
                """\
Whatever you decide, you will need to explain it to recruiters, colleagues and family. A clear story
links where you have been with where you are going.

Practise it until it sounds like you.""",
                (
                    "Past: what you have done and learned.",
                    "Present: what you have discovered about yourself.",
                    "Future: where you are heading and why.",
                ),
                """\
Write your career story in three sentences: past, present, future. Say it to someone you trust.""",
            ),
        ),
    ),
)

NEGOTIATING_YOUR_SALARY = CourseSpec(
    slug="negotiating-your-salary",
    title="Negotiating Your Salary",
    subtitle="Prepare, ask and respond to offers so you are paid what your work is worth.",
    category="career",
    instructor="sofia",
    level="intermediate",
    price=6900,
    published_days_ago=30,
    popularity=10,
    description="""\
Most people accept the first offer, and most employers expect them to negotiate. The gap between those
two facts is often worth thousands a year, compounded over a career.

This course covers research, the conversation itself and what to do when the answer is no. It works
for new offers and for raises in your current job.

> The best time to negotiate is before you say yes.
""",
    outcomes=(
        "Research a realistic salary range for your role",
        "Open a negotiation with a confident, well-supported number",
        "Respond to counter-offers and objections calmly",
        "Negotiate beyond salary: title, flexibility, learning budget",
    ),
    modules=(
        module(
            "Preparation",
            lesson(
                "Knowing your number",
                12,
                """\
Negotiation starts with research. Salary surveys, job adverts with ranges and conversations with people
in similar roles give you a realistic range.

Your target should sit near the top of that range; your walk-away point should be decided in advance.""",
                (
                    "Collect at least three independent data points.",
                    "Set a target, an acceptable number and a walk-away point.",
                    "Write them down before any conversation.",
                ),
                """\
Find three data points for your role and location and write your three numbers.""",
                preview=True,
            ),
            lesson(
                "Your value story",
                10,
                """\
Numbers need reasons. A short list of results you have delivered, with figures where possible, turns
'I want more' into 'here is the value I bring'.

Focus on outcomes for the employer, not on how hard you worked.""",
                (
                    "List three results with measurable impact.",
                    "Connect each to what the employer cares about.",
                    "Keep it short enough to say in a minute.",
                ),
                """\
Write your three strongest results as single sentences with a number in each.""",
            ),
        ),
        module(
            "The conversation",
            lesson(
                "Making the first move",
                11,
                """\
Naming the first number anchors the conversation. When you have done your research, anchoring high but
credibly works in your favour.

Say the number, give the reason, then stop talking.""",
                (
                    "State a specific number, not a range.",
                    "Support it with one or two reasons.",
                    "Pause and let them respond.",
                ),
                """\
Practise saying your opening line out loud five times until it sounds natural.""",
            ),
            lesson(
                "Handling 'that's above our budget'",
                10,
                """\
Objections are part of negotiation, not the end of it. Ask questions to understand the constraint, and
look for other ways to create value.

Often the budget is more flexible than the first answer suggests.""",
                (
                    "Ask what flexibility exists and where.",
                    "Explore a review date, sign-on bonus or other benefits.",
                    "Don't accept or reject on the spot; ask for time.",
                ),
                """\
Write responses to the three most likely objections you will hear.""",
            ),
        ),
        module(
            "Beyond salary",
            lesson(
                "The whole package",
                9,
                """\
Salary is one lever among many. Flexible hours, remote days, title, learning budget and holiday can be
easier for an employer to give and worth a lot to you.

Decide in advance which matter most.""",
                (
                    "List the non-salary items you value.",
                    "Rank them by importance to you.",
                    "Trade items you care less about for those you care more about.",
                ),
                """\
Rank five non-salary items and decide which two you would ask for.""",
            ),
            lesson(
                "Closing and following up",
                7,
                """\
When you reach agreement, get it in writing before resigning from anything or celebrating publicly. If
the answer is no, ask what would need to be true for a yes in six months.

Either way, thank them: you will work with these people.""",
                (
                    "Confirm the final offer in writing.",
                    "Ask for clear criteria if the answer is 'not now'.",
                    "Put a follow-up date in your calendar.",
                ),
                """\
Draft the e-mail confirming an agreed offer, listing every element you agreed.""",
            ),
        ),
    ),
)

COURSES = (CAREER_COMPASS, NEGOTIATING_YOUR_SALARY)
