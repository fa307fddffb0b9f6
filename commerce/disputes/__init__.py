"""Disputes (chargebacks): a cardholder's bank takes a payment back, and the bank later decides who keeps it.

Stripe tells us through `charge.dispute.created / updated / closed` (commerce.disputes.webhooks). Each
delivery re-reads the dispute from Stripe and calls dispute_record_from_stripe (services), which keeps one
Dispute row per Stripe dispute, flags the order, alerts Finance once, writes the order's timeline, and,
when the dispute is lost, records the money as gone through the refund path (source `dispute`, no Stripe
refund) so that access, figures and the credit note follow as for any refund.
"""
