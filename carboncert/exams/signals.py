"""What the exam announces to the apps downstream of it (grading subscribes)."""

from django.dispatch import Signal

# Sent after the transaction that handed the attempt in has committed: attempt_id=…
handed_in = Signal()
# The same for many at once (the sweep at a sitting's end): attempt_ids=[…]
handed_in_many = Signal()
# Sent once a camera snapshot is stored (proctoring analyses it): snapshot=… (its
# attempt and sitting loaded)
snapshot_stored = Signal()
