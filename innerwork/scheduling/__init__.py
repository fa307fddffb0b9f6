"""A person's calendar: weekly hours in their own zone, date overrides, buffers, notice and horizon,
the slot engine, appointments (the database forbids a host's overlaps) and .ics invitations.

Used by mentorship now and coaching next; imports none of them (nor commerce or courses).
"""
