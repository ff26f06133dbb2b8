"""Hooks other modules connect to.

`petition_forwarded(sender=Petition, petition=...)` is sent inside the transaction that
forwards a petition whose period ended below the threshold. The appeals module, once it
exists, connects a receiver that registers the collective appeal and returns
``(reference, url)``; the petition stores both and links to the appeal.
"""

from django.dispatch import Signal

petition_forwarded = Signal()
