"""Review forms: confirm, reject and edit events (owned by the pages work; this is the initial stub)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
