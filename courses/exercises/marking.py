"""How a multiple-choice answer is marked. Pure functions: no database, so the rule reads in one place."""

from collections.abc import Iterable

FULL_MARKS = 100


def mark_selection(*, correct_ids: Iterable[int], chosen_ids: Iterable[int]) -> int:
    """The score of one attempt, in percent: full marks only for exactly the set of correct options.

    A partial selection (some right options missing) or one with any wrong option scores 0, so an
    exercise with several right answers cannot be passed by ticking everything or by guessing one.
    """
    correct, chosen = set(correct_ids), set(chosen_ids)
    return FULL_MARKS if correct and chosen == correct else 0


def pass_mark_reached(*, best_scores: Iterable[int], exercises_total: int, pass_mark_percent: int) -> bool:
    """Whether the best-attempt scores, averaged over all `exercises_total` exercises, reach the pass mark.

    Unattempted exercises count as 0 (they are simply missing from `best_scores`). Compared in whole
    numbers (sum ≥ mark × count), so exactly at the mark passes and no rounding lets one below through.
    A course without multiple-choice exercises has nothing to pass: the requirement is met.
    """
    if exercises_total == 0:
        return True
    return sum(best_scores) >= pass_mark_percent * exercises_total
