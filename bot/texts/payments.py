"""Checkout, holds, refunds and payouts."""

from __future__ import annotations

# --- payments -------------------------------------------------------------------------------
NOT_ACCEPTING_PAYMENTS = "not accepting paid bookings yet"
BOOK_AWAITING_PAYMENT = (
    "Almost there! Pay **{total}** for your session with <@{tutor}> on <t:{start}:F>. "
    "Please pay by <t:{deadline}:t> (<t:{deadline}:R>), or the time is released.\n"
    "Your card is only held (authorized), not charged, until the session. "
    "The request goes to <@{tutor}> once it's paid."
)
PAY_LABEL = "Pay"
PAY_BY = "pay by <t:{deadline}:t> (<t:{deadline}:R>)"
PAYMENT_LABELS = {
    "awaiting_payment": "💳 awaiting payment",
    "held": "💳 held",
    "released": "💳 released to tutor",
    "refunded": "💳 refunded",
    "partially_refunded": "💳 partially refunded",
    "failed": "💳 payment failed",
    "voided": "💳 hold released, nothing charged",
    "unpaid": "💳 not paid, nothing charged",
    "series_later": "💳 held on the saved card shortly before",  # a paid series' later week
}
PAYMENT_FREE = "free"
PAYOUTS_SETUP = (
    "To get paid for sessions here, connect a payout account. It takes a few minutes "
    "on Stripe's secure page: press **Set up payouts**.\n"
    "Until then students see you as not accepting paid bookings yet."
)
PAYOUTS_SETUP_LABEL = "Set up payouts"
PAYOUTS_ON = (
    "Payouts are on ✅. Your share of each paid session is sent to your payout account "
    "once the session's dispute window has closed."
)
MARK_COMPLETE_LABEL = "Mark complete"
COMPLETED = (
    "Marked complete. ✅ Thanks! The payment is released to the tutor once the dispute "
    "window has closed."
)
COMPLETED_FREE = "Marked complete. ✅ Thanks!"
