"""civicwatch: evidence-linked events on restrictions of civil society and media."""

from civicwatch.extract import extract
from civicwatch.model import Article, Event

__all__ = ["extract", "Article", "Event"]
__version__ = "0.1.0"
