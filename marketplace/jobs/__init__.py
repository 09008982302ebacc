"""Durable background work: a runner that sweeps due scheduled actions to their handlers."""

from marketplace.jobs.runner import (
    Backoff,
    Handler,
    HandlerResult,
    JobRunner,
    default_owner,
    exponential_backoff,
)

__all__ = [
    "Backoff",
    "Handler",
    "HandlerResult",
    "JobRunner",
    "default_owner",
    "exponential_backoff",
]
