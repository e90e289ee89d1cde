"""Pseudonymous keys for people: the same person always gets the same key, and the key cannot be
turned back into the address without the secret (HMAC-SHA256 keyed with PSEUDONYM_SECRET)."""

import hashlib
import hmac


def pseudonym(secret: str, identity: str) -> str:
    normalised = identity.strip().casefold()
    return hmac.new(secret.encode(), normalised.encode(), hashlib.sha256).hexdigest()
