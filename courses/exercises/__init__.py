"""Exercises at the end of lessons: reads (selectors), writes (services) and the pure marking rule (marking)."""
