"""Complaint channel: public form, QR codes, notice boards, cases and the working-day calendar."""
