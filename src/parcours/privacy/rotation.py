"""Re-encrypting stored values under the newest key, so an old key can be retired."""

from django.apps import apps
from django.db import transaction

from parcours.privacy.crypto import is_current
from parcours.privacy.fields import EncryptedTextField, Sealed


def encrypted_fields():
    """(model, [encrypted field names]) for every model that has any."""
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            yield model, names


def rotate(batch_size: int = 500) -> dict[str, int]:
    """Re-seal every value not sealed with the primary key; returns rows changed per model."""
    changed: dict[str, int] = {}
    for model, names in encrypted_fields():
        count = 0
        queryset = model._base_manager.order_by("pk")
        for row in queryset.iterator(chunk_size=batch_size):
            stale = [
                n
                for n in names
                if isinstance(row.__dict__.get(n), Sealed) and not is_current(row.__dict__[n])
            ]
            if not stale:
                continue
            for name in stale:
                setattr(row, name, getattr(row, name))  # decrypt, then store as plaintext
            with transaction.atomic():
                row.save(update_fields=stale)
            count += 1
        changed[model._meta.label] = count
    return changed
