"""Signed webhooks to partners (issue 12): what happened to their customers, told at least once.

- `models`: endpoints (URL, types listened to, signing secret), events (`evt_…`), deliveries and attempts.
- `services`: `partner_event_emit` (the one way in for every app), endpoint creation, resend, the
  delivery's status door.
- `deliveries`: the POST itself, its signature, the retry schedule, the e-mail when we give up.
- `signing`: secrets and the `InnerWork-Signature` header (verified as README's snippet shows).
- `admin`: the endpoints and the delivery log, with a resend button.
"""
