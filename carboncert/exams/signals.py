"""What the exam announces to the apps downstream of it (grading subscribes)."""

from django.dispatch import Signal

# Sent after the transaction that handed the attempt in has committed: attempt_id=…
handed_in = Signal()
