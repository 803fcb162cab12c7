"""What registration announces downstream (proctoring enrols the accepted photo's face)."""

from django.dispatch import Signal

# Sent once an approval has committed: application_id=…
approved = Signal()
