"""Communication courses."""

from courses.demo_content.spec import CourseSpec, lesson, module

DIFFICULT_CONVERSATIONS = CourseSpec(
    slug="difficult-conversations",
    title="Difficult Conversations",
    subtitle="Raise hard topics early, stay calm in the middle and leave with the relationship intact.",
    category="communication",
    instructor="daniel",
    level="intermediate",
    price=5900,
    published_days_ago=90,
    popularity=11,
    description="""\
The conversations we avoid are usually the ones that matter most: the missed deadline, the unfair
comment, the salary question, the colleague who talks over everyone.

This course gives you a structure for preparing, opening and steering those conversations, and practical
phrases for the moments when they get heated.

*No scripts to memorise.* Just a handful of principles you will use for the rest of your life.
""",
    outcomes=(
        "Prepare for a hard conversation in fifteen minutes",
        "Open without blame so the other person can listen",
        "Stay curious when the conversation gets emotional",
        "Agree on next steps and follow through",
    ),
    modules=(
        module(
            "Before you speak",
            lesson(
                "Why we avoid them",
                8,
                """\
We avoid difficult conversations because we imagine the worst: anger, tears, a ruined relationship. Yet
avoidance rarely makes things better; the problem grows and resentment builds.

Recognising your own avoidance pattern is the first step.""",
                (
                    "Avoidance feels safe in the short term and costs more later.",
                    "Most conversations go better than we fear.",
                    "Timing matters: early is usually easier than late.",
                ),
                """\
Write down one conversation you have been avoiding and what you fear will happen. Rate the fear from 1
to 10.""",
                preview=True,
            ),
            lesson(
                "Three conversations in one",
                12,
                """\
Every difficult conversation contains three: *what happened* (facts and interpretations), *feelings*
(yours and theirs), and *identity* (what this says about each of you).

Preparing for all three keeps you from being ambushed by the one you ignored.""",
                (
                    "Separate facts from your interpretation of them.",
                    "Acknowledge feelings, including your own.",
                    "Notice what feels threatened about your identity.",
                ),
                """\
For the conversation you chose, write one paragraph for each of the three conversations.""",
            ),
        ),
        module(
            "In the conversation",
            lesson(
                "Opening without blame",
                10,
                """\
The first thirty seconds set the tone. Starting with an accusation guarantees defence; starting from
the 'third story', a neutral description both of you could agree with, invites conversation.

'I'd like to talk about how we split the project work' beats 'You never do your share'.""",
                (
                    "Describe the situation as a neutral observer would.",
                    "State your purpose: to understand and solve, not to win.",
                    "Invite their view early.",
                ),
                """\
Write three possible opening sentences and pick the most neutral one.""",
            ),
            lesson(
                "Staying curious under fire",
                11,
                """\
When the other person gets angry or defensive, the natural reaction is to defend yourself. Curiosity is
the better move: ask what they see that you don't.

Curiosity is not agreement; it is information gathering.""",
                (
                    "Ask 'What am I missing?' when you feel defensive.",
                    "Paraphrase before responding.",
                    "Take a pause if you need one, and say when you will continue.",
                ),
                """\
Practise paraphrasing in three ordinary conversations this week before you give your own view.""",
            ),
            lesson(
                "Saying the hard part clearly",
                9,
                """\
Some conversations need you to say something unwelcome: no, this isn't good enough, this has to
change. Softening it until it disappears helps nobody.

Clear is kind. Be brief, be specific and then stop talking.""",
                (
                    "Say it in one or two sentences.",
                    "Use 'and' instead of 'but' to keep both truths.",
                    "Let silence do some work.",
                ),
                """\
Write the hard part of your conversation in two sentences, then cut any word that softens it into
vagueness.""",
            ),
        ),
        module(
            "After the conversation",
            lesson(
                "Agreeing next steps",
                7,
                """\
A good conversation that ends without clear next steps often has to happen again. Finish with who does
what by when, and how you will check in.

Writing it down afterwards avoids two different memories of the same meeting.""",
                (
                    "End with concrete actions and owners.",
                    "Agree when you will check progress.",
                    "Send a short written summary.",
                ),
                """\
Draft the summary message you will send after your conversation, with actions, owners and dates.""",
            ),
            lesson(
                "Repairing when it goes wrong",
                8,
                """\
Sometimes it goes badly anyway. Repair is possible and often strengthens the relationship: acknowledge
your part, say what you would do differently and ask to try again.

The repair conversation is usually easier than the first one.""",
                (
                    "Own your part without over-apologising.",
                    "Acknowledge the impact on the other person.",
                    "Propose a better next conversation.",
                ),
                """\
Think of a past conversation that went wrong. Write the first sentence of a repair.""",
            ),
        ),
    ),
)

SPEAKING_WITH_CONFIDENCE = CourseSpec(
    slug="speaking-with-confidence",
    title="Speaking With Confidence",
    subtitle="Present clearly, handle nerves and answer questions without freezing.",
    category="communication",
    instructor="sofia",
    level="beginner",
    price=4500,
    published_days_ago=60,
    popularity=8,
    description="""\
You don't need to become a natural performer to speak well. You need a clear message, a little
structure and a way to handle the nerves that everyone feels.

This course takes you from the first outline to the last question, with short practice exercises you
can record on your phone.
""",
    outcomes=(
        "Structure a talk around one clear message",
        "Calm pre-talk nerves with simple techniques",
        "Use voice, pauses and posture to sound confident",
        "Handle questions, including the ones you can't answer",
    ),
    modules=(
        module(
            "Message first",
            lesson(
                "One sentence that matters",
                8,
                """\
If your audience remembers one sentence, which should it be? Answering that question before making a
single slide changes everything about your talk.

Everything else in the talk exists to support that sentence.""",
                (
                    "Write your core message in one sentence.",
                    "Test it: would a busy listener repeat it?",
                    "Cut content that doesn't support it.",
                ),
                """\
Write the one sentence for your next presentation. Then explain it to a friend in under a minute.""",
                preview=True,
            ),
            lesson(
                "A simple structure",
                10,
                """\
Most good talks follow the same arc: a hook, the problem, your answer, evidence and a clear ask. It is
simple enough to remember while nervous.

Structure frees you to focus on the audience instead of the notes.""",
                (
                    "Hook: a question, a story or a surprising number.",
                    "Problem, answer, evidence.",
                    "Close with one clear ask or takeaway.",
                ),
                """\
Outline your talk on a single index card using the five parts.""",
            ),
        ),
        module(
            "Nerves and delivery",
            lesson(
                "Nerves are energy",
                9,
                """\
A racing heart before a talk is the same physical state as excitement. Telling yourself 'I'm excited'
instead of 'calm down' actually improves performance.

Combine that reframe with slow breathing and you have a reliable routine.""",
                (
                    "Reframe nerves as excitement rather than fighting them.",
                    "Breathe out longer than you breathe in.",
                    "Arrive early and talk to a few people before you start.",
                ),
                """\
Before your next meeting where you speak, do one minute of slow breathing and say 'I'm excited' out
loud once.""",
            ),
            lesson(
                "Voice, pace and pauses",
                11,
                """\
Confident speakers are rarely loud; they are unhurried. Pauses feel long to the speaker and natural to
the audience, and they give your point time to land.

Recording yourself is uncomfortable and the fastest way to improve.""",
                (
                    "Slow down by about a quarter of your natural pace.",
                    "Pause after important sentences.",
                    "Drop your pitch at the end of statements.",
                ),
                """\
Record a two-minute version of your talk on your phone. Listen once and count your pauses.""",
            ),
            lesson(
                "Slides that help",
                8,
                """\
Slides should support what you say, not repeat it. One idea per slide, few words and large visuals keep
attention on you.

If the slides make sense without you, send them as a document instead.""",
                (
                    "One idea per slide.",
                    "Headlines that state the point, not the topic.",
                    "Fewer words than you think.",
                ),
                """\
Rewrite three slide titles from topics ('Q3 results') into statements ('Q3 grew faster than
planned').""",
            ),
        ),
        module(
            "Questions and answers",
            lesson(
                "Answering with structure",
                9,
                """\
Questions make people nervous because they feel unpredictable. A simple structure, pause, point,
reason, example, makes your answers clear even when you are thinking on your feet.

It also stops you from rambling.""",
                (
                    "Pause before answering; it looks thoughtful.",
                    "Lead with your point, then the reason.",
                    "Add one example and stop.",
                ),
                """\
Ask a friend for three questions about your topic and answer each using the structure.""",
            ),
            lesson(
                "When you don't know",
                7,
                """\
'I don't know, and I'll find out' is a perfectly confident answer. Bluffing is not, and audiences can
usually tell.

Follow up afterwards and people will remember your reliability more than the gap.""",
                (
                    "Admit what you don't know without apologising.",
                    "Say when and how you will follow up.",
                    "Redirect to what you do know if it helps.",
                ),
                """\
Write your own version of 'I don't know, and I'll find out' so it is ready when you need it.""",
            ),
        ),
    ),
)

COURSES = (DIFFICULT_CONVERSATIONS, SPEAKING_WITH_CONFIDENCE)
