"""An Atom 1.0 feed of new events for any filter."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from civicwatch.web import auth

router = APIRouter(dependencies=[Depends(auth.reader)], tags=["feed"])
