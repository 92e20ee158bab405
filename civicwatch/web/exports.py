"""Event exports: CSV, JSON Lines and Parquet, with the same filters as the API."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from civicwatch.web import auth

router = APIRouter(dependencies=[Depends(auth.reader)], tags=["exports"])
