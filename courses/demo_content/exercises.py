"""The demo's exercises: quizzes and reflections on a few courses, and which of them need a pass mark.

Five-Minute Breathing Breaks (free, three lessons) needs 75 % on its questions before the certificate, so
a visitor can enrol and see the whole rule at work in ten minutes; Calm Under Pressure (the demo learner's
course in progress) completes on lessons alone and has questions and reflections on its first lessons;
Inbox Under Control (paid) needs 70 %.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class OptionSpec:
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class ExerciseSpec:
    prompt: str
    options: tuple[OptionSpec, ...] = ()  # none: a reflection


@dataclass(frozen=True)
class CourseExercises:
    slug: str
    pass_mark: int | None  # None: the course completes on lessons alone
    lessons: dict[int, tuple[ExerciseSpec, ...]]  # lesson number in reading order (1-based) → its exercises


def right(text: str, feedback: str) -> OptionSpec:
    return OptionSpec(text, True, feedback)


def wrong(text: str, feedback: str) -> OptionSpec:
    return OptionSpec(text, False, feedback)


def reflect(prompt: str) -> ExerciseSpec:
    return ExerciseSpec(prompt)


COURSE_EXERCISES = (
    CourseExercises(
        slug="five-minute-breathing-breaks",
        pass_mark=75,
        lessons={
            1: (
                ExerciseSpec(
                    "Which part of the breath does the most to calm you down?",
                    (
                        wrong("The in-breath", "Breathing in slightly speeds the heart up: useful, not calming."),
                        right("The out-breath", "Yes: a long, slow exhale signals safety to the body."),
                        wrong("Holding the breath", "A short hold steadies the rhythm, but it is not what calms."),
                    ),
                ),
                reflect("How many breaths did you count in one minute, and how did you feel while counting?"),
            ),
            2: (
                ExerciseSpec(
                    "Which of these describe box breathing? Choose every one that applies.",
                    (
                        right("Four counts in, hold, out, hold", "That is the box: four equal sides."),
                        right("Easy to remember under pressure", "Which is why pilots and nurses learn it."),
                        wrong("Breathing out twice as long as in", "That is the long exhale, the second pattern."),
                        wrong("Breathing as fast as you can", "Fast breathing does the opposite of calming."),
                    ),
                ),
                ExerciseSpec(
                    "You have one minute before a difficult call. Which pattern fits best?",
                    (
                        right("Box breathing", "Steadying and quick to recall: the right tool before a hard talk."),
                        wrong("A twenty-minute body scan", "A fine practice, but it does not fit in one minute."),
                        wrong("Skipping the break", "The call goes better after even four slow breaths."),
                    ),
                ),
            ),
            3: (
                ExerciseSpec(
                    "What makes a breathing break one you will actually take?",
                    (
                        wrong("Waiting until you feel stressed", "By then you rarely remember to do it."),
                        right("Tying it to something you already do", "Yes: a daily cue carries the habit."),
                        wrong("Keeping it for the weekend", "A break works because it comes between busy hours."),
                    ),
                ),
                reflect("Which moment of your day will you tie a breathing break to?"),
            ),
        },
    ),
    CourseExercises(
        slug="calm-under-pressure",
        pass_mark=None,
        lessons={
            1: (
                ExerciseSpec(
                    "Why does pressure make it harder to think clearly?",
                    (
                        right(
                            "The stress response prepares the body for action, not reflection",
                            "Right: blood, attention and breath are all tuned for a quick reaction.",
                        ),
                        wrong("Because you are not trying hard enough", "Effort does not switch the response off."),
                        wrong("It only happens to anxious people", "Everybody's body responds to pressure this way."),
                    ),
                ),
            ),
            2: (reflect("What are the first two signs, in your body or your behaviour, that pressure is building?"),),
        },
    ),
    CourseExercises(
        slug="inbox-under-control",
        pass_mark=70,
        lessons={
            1: (
                ExerciseSpec(
                    "How often does the course suggest you process e-mail?",
                    (
                        right("In two planned sittings a day", "Yes: the rest of the day belongs to your work."),
                        wrong("Whenever a new message arrives", "Every interruption costs minutes of focus."),
                        wrong("Once a week", "Too rarely: replies pile up and people chase you."),
                    ),
                ),
            ),
            2: (
                ExerciseSpec(
                    "Which are the four decisions for each message? Choose every one that applies.",
                    (
                        right("Reply", "Under two minutes? Do it now."),
                        right("Schedule", "Longer work goes into your calendar, not your inbox."),
                        right("File", "Reference material leaves the inbox."),
                        right("Delete", "Most of it, honestly."),
                        wrong("Leave it unread for later", "That is the decision the method removes."),
                    ),
                ),
            ),
        },
    ),
)
