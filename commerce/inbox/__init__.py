"""Stripe's webhook deliveries: acknowledged in milliseconds, processed exactly once on a Celery worker.

The path of one delivery:

1. `receive.delivery_receive` (the view at /stripe/webhook/<uuid>/, which takes over dj-stripe's
   own address): check the signature against the endpoint's secret, store the delivery as
   dj-stripe's `WebhookEventTrigger` (one INSERT, committed: from here on it is durable and
   visible in admin), queue `tasks.stripe_delivery_process` with its id, answer 200.
2. `process.delivery_process` on a worker: dj-stripe's `Event.process` stores the Event and runs
   every registered `djstripe_receiver` handler (commerce's, dj-stripe's own syncs, any other
   app's) in one transaction; the trigger is then marked processed.

Exactly once per event id: dj-stripe's Event row is the key. Its INSERT and the handlers share a
transaction, so a second delivery of the same event (a Stripe retry, a duplicate, a task
redelivered after a worker died) either waits on that INSERT and then finds the Event, or finds
it at once; either way it runs no handler. A worker killed mid-task rolls its transaction back
and the task (acks late) is delivered again. A delivery whose task was lost (the broker was
down, the process died before queueing) is picked up by `process.deliveries_sweep`, every few
minutes from Celery beat or cron. Deliveries are kept WEBHOOK_LOG_DAYS (`deliveries_purge`).

Without a broker (the demo, most tests) the task runs inline in the request, as dj-stripe did:
a failure answers 500 and Stripe retries.
"""
