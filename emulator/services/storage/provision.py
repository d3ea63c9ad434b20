"""Provision Storage from `appwrite.json`'s `buckets`: create each bucket, or bring an existing
one to the manifest's name, permissions and settings (absent settings take Appwrite's
defaults, as `appwrite push` leaves them to the server). Files are never touched."""

from __future__ import annotations

from emulator.core.state import EmulatorState
from emulator.manifest import Manifest
from emulator.services.storage.backend import BUCKET_DEFAULTS, Storage


def provision(state: EmulatorState, manifest: Manifest) -> list[str]:
    """Create or update every bucket of `manifest`; returns the ids created."""
    storage = Storage(state)
    created = []
    for spec in manifest.buckets:
        settings = {**BUCKET_DEFAULTS, **spec.settings(), "$permissions": list(spec.permissions)}
        existing = storage.store.bucket(spec.id)
        if existing is None:
            storage.create_bucket(spec.id, spec.name, settings)
            created.append(spec.id)
        else:
            storage.update_bucket(existing, spec.name, settings)
    return created
