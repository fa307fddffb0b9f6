"""Mindfulness & Wellbeing courses."""

from courses.demo_content.spec import CourseSpec, lesson, module

CALM_UNDER_PRESSURE = CourseSpec(
    slug="calm-under-pressure",
    title="Calm Under Pressure",
    subtitle="Short, science-backed practices to stay steady when everything feels urgent.",
    category="mindfulness",
    instructor="amara",
    level="beginner",
    price=0,
    published_days_ago=120,
    popularity=16,
    description="""\
Pressure is not the problem. Being *run* by it is. This course gives you a small toolkit of
practices that take between thirty seconds and ten minutes, and shows you when to use each one.

You will not be asked to meditate for an hour or to move to a mountain. Every exercise was chosen
because it works at a desk, in a meeting break or on a crowded train.

**Who it is for:** anyone who feels their shoulders rise when the inbox fills up.

**How it works:** ten short lessons in four modules. Each ends with a practice you can try the same day.
""",
    outcomes=(
        "Recognise your own early stress signals before they take over",
        "Use two breathing techniques that calm the body in under two minutes",
        "Step back from anxious thoughts without fighting them",
        "Build a ninety-second reset you can use between meetings",
        "Plan a week with deliberate pockets of recovery",
    ),
    modules=(
        module(
            "Understanding your stress",
            lesson(
                "Why pressure feels the way it does",
                8,
                """\
When a deadline lands, your body reacts as if a predator had walked into the room. Heart rate rises,
breathing gets shallow, attention narrows. None of this is a personal failing; it is an old alarm
system doing its job a little too eagerly.

The good news is that the same system has an *off switch*. The practices in this course all work by
sending the body a clear signal that the danger has passed.""",
                (
                    "Stress is a body response first and a thought second.",
                    "Narrowed attention helps in emergencies and hurts in knowledge work.",
                    "You can influence the alarm from the body side, which is faster than arguing with it.",
                ),
                """\
Set a reminder for three random moments tomorrow. When it goes off, notice your breathing, your jaw and
your shoulders. Write one word for each. No need to change anything yet.""",
                preview=True,
            ),
            lesson(
                "Your personal stress signature",
                10,
                """\
Everyone's alarm sounds a little different. Some people feel it in the stomach, some clench their
teeth, some start re-reading the same e-mail five times. Knowing your own pattern gives you an early
warning, minutes or even hours before you feel overwhelmed.

In this lesson you will map the three levels of your signature: the body, the behaviour and the
story you tell yourself.""",
                (
                    "Body signals: tension, breath, temperature, posture.",
                    "Behaviour signals: rushing, snapping, switching tasks, scrolling.",
                    "Story signals: 'I'll never finish', 'everyone is waiting on me'.",
                ),
                """\
Draw three columns labelled *body*, *behaviour* and *story*. Think of the last stressful day you had
and fill in at least two entries per column. Keep the sheet; we will come back to it in module four.""",
            ),
            lesson(
                "The cost of always-on",
                9,
                """\
Constant low-level pressure is more expensive than the occasional crisis. It erodes sleep, patience and
judgement, and it does so quietly, so we rarely notice until something gives.

This lesson looks at the difference between *acute* stress, which resolves, and *chronic* activation,
which does not, and at why recovery has to be planned rather than hoped for.""",
                (
                    "Acute stress followed by recovery can make us stronger.",
                    "Chronic activation without recovery wears us down.",
                    "Recovery is a skill you can schedule, not a reward you earn.",
                ),
                """\
Look at your calendar for the coming week. Mark every block where you could take three minutes of
genuine pause. Protect at least two of them.""",
            ),
        ),
        module(
            "Breath and body",
            lesson(
                "The physiological sigh",
                7,
                """\
The fastest tool in this course is also the oldest: a double inhale through the nose followed by a
long, slow exhale through the mouth. It is what your body does on its own after a long cry.

One to three rounds are usually enough to take the edge off. You can do it in a meeting without anyone
noticing.""",
                (
                    "Two inhales through the nose: a full one, then a short top-up.",
                    "One long exhale through the mouth, longer than both inhales together.",
                    "Repeat one to three times, then breathe normally.",
                ),
                """\
Try three rounds now and notice what changes in your shoulders. Then try one round before your next
difficult call.""",
            ),
            lesson(
                "Box breathing for busy days",
                8,
                """\
Box breathing gives a restless mind something simple to count. Inhale for four, hold for four, exhale
for four, hold for four. Pilots and paramedics use it because it works under pressure.

If four feels too long, start with three. The rhythm matters more than the number.""",
                (
                    "Equal counts make the practice easy to remember when stressed.",
                    "Counting occupies the part of the mind that likes to worry.",
                    "Two minutes is enough to feel a difference.",
                ),
                """\
Use box breathing for two minutes before you open your e-mail tomorrow morning. Note how the first
half hour of work feels compared with usual.""",
            ),
            lesson(
                "Releasing tension you didn't know you held",
                12,
                """\
Most of us carry tension in the same few places: the jaw, the shoulders, the hands and the belly.
We stop noticing it because it is always there.

A quick body scan, moving attention from head to toe and softening each area on an exhale, releases
far more than you would expect.""",
                (
                    "Tension is often invisible until you look for it.",
                    "Softening on the exhale is easier than 'relaxing' on command.",
                    "A five-minute scan at lunch can reset the afternoon.",
                ),
                """\
Follow the scan once today, sitting at your desk. Pick the one area that held the most tension and
check in on it each time you stand up.""",
            ),
        ),
        module(
            "Working with thoughts",
            lesson(
                "Noticing without believing",
                11,
                """\
A thought like *this will go badly* arrives with the confidence of a fact. Mindfulness does not ask you
to argue with it; it asks you to notice it *as a thought*.

That small shift, from 'this will go badly' to 'I'm having the thought that this will go badly',
creates room to choose what you do next.""",
                (
                    "Thoughts are events in the mind, not instructions.",
                    "Labelling a thought loosens its grip.",
                    "You don't need to replace a thought to act differently.",
                ),
                """\
For one day, when you catch a stressful thought, silently add 'I'm noticing that...' in front of it.
Count how many times you do this.""",
            ),
            lesson(
                "Naming to taming",
                9,
                """\
Putting a feeling into words, even one word, measurably reduces its intensity. It is one of the most
reliable findings in emotion research, and one of the easiest to use.

The trick is to be precise. 'Bad' helps a little; 'disappointed' or 'on edge' helps more.""",
                (
                    "Precise labels calm more than vague ones.",
                    "You can name feelings silently; nobody needs to hear.",
                    "A wider emotional vocabulary is a practical skill.",
                ),
                """\
Three times today, stop and name what you feel in one precise word. If you get stuck, use the list
in the lesson resources.""",
            ),
        ),
        module(
            "Making it stick",
            lesson(
                "A ninety-second reset routine",
                10,
                """\
Now we combine what you have learned into a routine short enough to use between meetings: one
physiological sigh, a quick scan of your signature areas, and one precise label for what you feel.

Ninety seconds. No app, no special place, no one needs to know.""",
                (
                    "Breathe: one physiological sigh.",
                    "Scan: jaw, shoulders, hands.",
                    "Name: one word for what you feel, then choose your next step.",
                ),
                """\
Attach the reset to something you already do several times a day, such as closing a video call, and
practise it for a week.""",
            ),
            lesson(
                "Designing your calm week",
                14,
                """\
Practices only help if they happen. In this final lesson you will design a week that makes calm the
default rather than the exception: protected pauses, a wind-down ritual and one longer practice.

Bring the stress signature sheet from module one. We will use it to decide where your pauses go.""",
                (
                    "Plan recovery where your signature says you need it most.",
                    "Small and daily beats long and occasional.",
                    "Review on Friday: what helped, what got skipped, what to change.",
                ),
                """\
Write your calm-week plan on one page: three daily pauses, one evening ritual and one longer practice.
Put the Friday review in your calendar now.""",
            ),
        ),
    ),
)

SLEEP_REST_RECOVERY = CourseSpec(
    slug="sleep-rest-recovery",
    title="Sleep, Rest and Recovery",
    subtitle="Sleep better, rest on purpose and bounce back from demanding weeks.",
    category="mindfulness",
    instructor="amara",
    level="all_levels",
    price=3900,
    access_days=365,  # the demo's one course with an access period: the learner's dashboard says until when
    published_days_ago=45,
    popularity=9,
    description="""\
Most advice about sleep is either obvious or impossible. This course sits in between: practical changes
that fit a real life with deadlines, children and the occasional late night.

We start with how sleep actually works, build an evening and morning routine around it, and then look at
the kinds of rest that sleep alone does not provide.

> You cannot force sleep. You can make it very easy for sleep to find you.
""",
    outcomes=(
        "Understand sleep pressure and your body clock",
        "Build a wind-down routine you will actually keep",
        "Use light, caffeine and timing in your favour",
        "Recover deliberately after an intense week",
    ),
    modules=(
        module(
            "How sleep works",
            lesson(
                "Sleep pressure and your body clock",
                12,
                """\
Two systems decide when you feel sleepy. *Sleep pressure* builds the longer you are awake; your *body
clock* rises and falls on a roughly 24-hour rhythm. You sleep best when both point the same way.

Most sleep problems come from the two drifting apart: late light, irregular wake times, long naps.""",
                (
                    "Sleep pressure builds with time awake and is cleared by sleep.",
                    "The body clock is set mostly by light, especially in the morning.",
                    "A regular wake time is the single strongest anchor.",
                ),
                """\
For the next five days, get up within the same half hour, weekend included. Note how quickly you fall
asleep each night.""",
                preview=True,
            ),
            lesson(
                "Myths that keep you awake",
                9,
                """\
'I need exactly eight hours.' 'A glass of wine helps me sleep.' 'I can catch up at the weekend.'
Each contains a grain of truth and a large misunderstanding.

We take the five most common myths apart and replace them with what the evidence supports.""",
                (
                    "Sleep need varies between people and across life.",
                    "Alcohol sedates but fragments sleep in the second half of the night.",
                    "Weekend lie-ins shift your clock and make Monday harder.",
                ),
                """\
Pick the myth you believed most firmly. Write down one small change you will try because of what you
learned.""",
            ),
            lesson(
                "Tracking without obsessing",
                8,
                """\
Sleep trackers can help you spot patterns, and they can also make you anxious about a number. The aim
is information, not a score.

A simple paper log often tells you more than an app: bedtime, wake time, caffeine and how you felt.""",
                (
                    "Track for two weeks, then stop and review.",
                    "How you feel during the day matters more than any score.",
                    "Look for patterns, not perfect nights.",
                ),
                """\
Start a two-week sleep log with four columns: lights out, wake time, last caffeine, energy at 3 pm
(1–5).""",
            ),
        ),
        module(
            "Evening and morning",
            lesson(
                "A wind-down that actually works",
                11,
                """\
You cannot go from answering e-mails to deep sleep in ten minutes. A wind-down is a buffer of 30 to 60
minutes that tells your body the day is over.

It works best when it is the same every night and has a clear start signal, such as dimming the lights.""",
                (
                    "Pick a start signal: lights down, phone on charge outside the bedroom.",
                    "Choose calm, low-stakes activities: reading, stretching, a shower.",
                    "Keep a notepad nearby to park tomorrow's worries.",
                ),
                """\
Write your wind-down in three steps and put the start time in your phone as a daily alarm.""",
            ),
            lesson(
                "Light, caffeine and timing",
                10,
                """\
Morning light tells your body clock that the day has started, which makes you sleepy at the right time
in the evening. Caffeine blocks sleep pressure for longer than most people think.

Small changes in timing here make a large difference at night.""",
                (
                    "Get outdoor light within an hour of waking, even on cloudy days.",
                    "Caffeine's half-life is around five to six hours.",
                    "Bright screens late at night push your clock later.",
                ),
                """\
Move your last coffee to before 1 pm for one week and spend ten minutes outside each morning. Compare
your log with last week.""",
            ),
            lesson(
                "Mornings that set up the night",
                8,
                """\
Good nights start in the morning. A consistent wake time, light, movement and a proper breakfast set
the rhythm for the whole day.

This lesson builds a short morning routine that supports your sleep instead of fighting it.""",
                (
                    "Consistency matters more than getting up early.",
                    "Movement in the morning strengthens your daily rhythm.",
                    "Resist the snooze button: it fragments the last, lightest sleep.",
                ),
                """\
Design a fifteen-minute morning routine with light, movement and water. Try it for five days.""",
            ),
        ),
        module(
            "Rest beyond sleep",
            lesson(
                "Kinds of rest",
                9,
                """\
Sleep restores the body, but it does not fix every kind of tiredness. After a day of meetings you may
need social rest; after a day of screens, sensory rest; after a day of decisions, mental rest.

Recognising which kind you need lets you recover faster with less time.""",
                (
                    "Physical, mental, sensory, social and creative rest are different needs.",
                    "The right kind of rest can take ten minutes.",
                    "Scrolling is rarely rest, whatever it feels like.",
                ),
                """\
At the end of each day this week, name the kind of tiredness you feel and choose one matching ten-minute
rest.""",
            ),
            lesson(
                "Recovering after an intense week",
                12,
                """\
Launches, exams and family emergencies happen. The question is not how to avoid intense weeks but how
to recover from them on purpose.

We finish with a recovery plan you can pull out whenever you need it.""",
                (
                    "Plan recovery before the intense week, not after.",
                    "Protect sleep first; everything else recovers faster with it.",
                    "Lower the bar deliberately for two or three days.",
                ),
                """\
Write a one-page recovery plan: what you drop, what you protect, who you tell and how you will know
you have recovered.""",
            ),
        ),
    ),
)

COURSES = (CALM_UNDER_PRESSURE, SLEEP_REST_RECOVERY)
