"""civicwatch: evidence-linked events on restrictions of civil society and media."""

from civicwatch.extract import extract, status_labels
from civicwatch.model import Article, Event

__all__ = ["extract", "status_labels", "Article", "Event"]
__version__ = "0.1.0"
