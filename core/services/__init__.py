"""Kernel services (writes) that are not tied to a request: the task outbox relay."""
