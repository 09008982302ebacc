"""Injected 429 responses with the headers discord.py reads."""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass

_PARAM = re.compile(r"\{[^}]*\}")


def normalise(template: str) -> str:
    """Strip the API prefix and parameter names: '/channels/{}/messages'."""
    path = template.split("?", 1)[0]
    path = re.sub(r"^/api/v\d+", "", path)
    return _PARAM.sub("{}", path.rstrip("/") or "/")


@dataclass
class RateLimitRule:
    method: str
    route: str
    remaining: int
    retry_after: float
    times: int
    is_global: bool = False
    scope: str = "user"

    def matches(self, method: str, template: str, path: str) -> bool:
        if self.method not in ("*", method.upper()):
            return False
        if "{" in self.route:
            return normalise(self.route) == normalise(template)
        return normalise(self.route) == normalise(path)


@dataclass
class RateLimitDecision:
    limited: bool
    retry_after: float = 0.0
    is_global: bool = False
    scope: str = "user"
    bucket: str = ""


class RateLimitRules:
    def __init__(self) -> None:
        self.rules: list[RateLimitRule] = []

    def add(self, rule: RateLimitRule) -> None:
        self.rules.append(rule)

    def check(self, method: str, template: str, path: str) -> RateLimitDecision:
        for rule in self.rules:
            if not rule.matches(method, template, path):
                continue
            if rule.remaining > 0:
                rule.remaining -= 1
                return RateLimitDecision(False)
            rule.times -= 1
            if rule.times <= 0:
                self.rules.remove(rule)
            return RateLimitDecision(
                True, rule.retry_after, rule.is_global, rule.scope, bucket_hash(rule.route)
            )
        return RateLimitDecision(False)


def bucket_hash(route: str) -> str:
    return f"emu{abs(hash(normalise(route))) % 10**12:012d}"


def ok_headers(template: str) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": "50",
        "X-RateLimit-Remaining": "49",
        "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
        "X-RateLimit-Reset-After": "1.000",
        "X-RateLimit-Bucket": bucket_hash(template),
    }


def limited_headers(decision: RateLimitDecision) -> dict[str, str]:
    headers = {
        "Retry-After": str(max(1, math.ceil(decision.retry_after))),
        "X-RateLimit-Scope": decision.scope,
        "Via": "1.1 google",
    }
    if decision.is_global:
        headers["X-RateLimit-Global"] = "true"
    else:
        headers.update(
            {
                "X-RateLimit-Limit": "50",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": f"{time.time() + decision.retry_after:.3f}",
                "X-RateLimit-Reset-After": f"{decision.retry_after:.3f}",
                "X-RateLimit-Bucket": decision.bucket,
            }
        )
    return headers
