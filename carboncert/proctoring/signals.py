"""What proctoring announces downstream (grading subscribes)."""

from django.dispatch import Signal

# Sent after a cheating case was confirmed or dismissed has committed: attempt_id=…
case_decided = Signal()
