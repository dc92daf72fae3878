"""References in the returns (contracts/outputs.md): the council's own family and person ids, or, when the
`pseudonymise_refs` setting is on, a keyed hash (HMAC-SHA256) of them that stays stable across months and runs."""

from __future__ import annotations

import hashlib
import hmac
import os

from settings import PSEUDONYM_KEY_ENV, Settings, SettingsError


class References:
    def __init__(self, key: bytes | None = None) -> None:
        self._key = key

    def _hashed(self, kind: str, value: str) -> str:
        if self._key is None:
            return value
        # The kind keeps a family and a person with the same id apart; 32 hex digits (128 bits) is ample.
        return hmac.new(self._key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:32]

    def family(self, family_id: str) -> str:
        return self._hashed("family", family_id)

    def person(self, person_id: str) -> str:
        return self._hashed("person", person_id)


def references(settings: Settings) -> References:
    """The council's ids as they are, or keyed hashes when the setting is on (the key is checked when the
    settings load; checked again here for callers that built Settings themselves)."""
    if not settings.pseudonymise_refs:
        return References()
    key = os.environ.get(PSEUDONYM_KEY_ENV)
    if not key:
        raise SettingsError(f"pseudonymise_refs is on but {PSEUDONYM_KEY_ENV} is not set")
    return References(key.encode("utf-8"))
