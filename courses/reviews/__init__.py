"""Course reviews: learners rate a course (1–5) and may say why; staff can hide a review with a reason."""
