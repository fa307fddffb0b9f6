"""Instructor pages: who teaches, their public profile, and the page where they edit it."""
