"""The JSON API under /api."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from civicwatch.web import auth

router = APIRouter(dependencies=[Depends(auth.reader)], tags=["api"])
