"""Public contracts of the platform: events other city systems subscribe to, RPC payloads, errors.

Changing anything here changes what other systems depend on: changes within a version are additive.
"""
