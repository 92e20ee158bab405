"""One stored event per real-world act: reports of it in different articles and languages merge.

A new report (an event the extractor found in one article) joins a stored event when:

* the type is the same and the subtypes agree (the extractor's rule, ``civicwatch.core.schema.subtypes_agree``:
  equal, or "vandalism"/"assault", "condemnation"/"appeal");
* they share a target entity: the same canonical key from ``civicwatch.resolve.identity``, so
  "Memorial", "«Мемориал»" and "International Memorial" meet;
* the countries, when both are known, are the same (Georgia's foreign agents law is not Russia's), except
  that a country that is only the home the alias table gives a target (Latvia for Meduza, which one outlet
  names where another names Russia, the designating state) does not count for a designation or delisting,
  nor for reports dated to the same day; laws always keep their country;
* for reactions, the speakers are the same entity when both are named (different speakers make
  different reactions);
* the dates agree: when both are dated, one is a prefix of the other ("2015-07" agrees with
  "2015-07-08", X matches any digit: ``civicwatch.core.dates.dates_agree``); when one is undated, it is
  within ``WINDOW_DAYS`` (14) days of the other: the undated report's publication date must lie
  within 14 days of the stored event's date range or of the span of its reports' publication
  dates (for a dated report and an undated stored event, the report's date range against that
  span). An undated report from an article with no publication date merges only when it is its
  article's lead act (the act it reports first: its news, ``LEAD_ACT``), the stored event holds a lead act
  too, and it is the only stored event that fits (the same holds the other way round, for a stored event
  of such reports only): two articles' news of one kind about one target is one act, while an earlier
  charge or listing told as background never joins this way. A date without its
  year ("XXXX-04-23": "on April 23") is placed in the years the stored event was reported in (or the year
  before) for that window.
* an undated report whose sentence reports a dated act of another type (a lawsuit "to liquidate" filed on a
  given day) has no window: its own act may be far from its article's day, so it merges with nothing
  undated, and an event made only of such reports takes no undated reports either;
* the stored event has no report from the same article yet (within an article, the extractor has
  already decided which mentions are one act);
* the stored event is not one a register import made (``civicwatch.store.registry``): news reports of a
  designation are checked against the register (``civicwatch.store.link``), not merged into its record.

Of several stored events that qualify, one whose dates agree wins over one within the window (of
those, a report with a date of its own before an undated one of the same article, then the closest in
time), then the one sharing most targets, then the one with most sources.
The merged event keeps the most precise date, the best report's evidence (body before headline,
article before boilerplate, then confidence), "occurred" over "planned" over "threatened", the
targets of every report, and counts its sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from civicwatch.core.dates import date_precision, date_range, dates_agree, precision
from civicwatch.core.schema import LEAD_ACT, WINDOW_DAYS, acts_agree, compatible_acts, field_values, merge_window
from civicwatch.resolve import canonical_key, entity_key, resolved_strength
from civicwatch.store.models import Event, EventEntity, Mention, RegistryEventSource

SOURCE_BONUS = 0.05  # confidence gained per further source
MAX_CONFIDENCE = 0.99
_STATUS_RANK = {"threatened": 0, "planned": 1, "occurred": 2}


@dataclass
class Report:
    """A new mention about to be stored, with what merging needs to know about it."""

    mention: Mention
    published: date | None  # its article's publication date
    target_ids: set[int]  # entities of its targets
    homes: set[str] = field(default_factory=set)  # countries the alias table gives its targets (Meduza: LV)


def assign(session: Session, reports: list[Report], article_id: int) -> list[Event | None]:
    """The stored event each report of one article is about (None: a new act), one report per event.

    Best fits are taken first across the whole article, so that of two detentions reported on the 9th
    and the 11th, the one on the 11th goes to a stored, undated report of the ruling of the 11th.
    """
    targets = _stored_targets(session, reports, article_id)
    options = []
    for i, report in enumerate(reports):
        fitting = []
        for event, entity_ids in targets.items():
            shared = len(entity_ids & report.target_ids)
            fit = _fit(event, report) if shared else None
            if fit is not None:
                fitting.append(((*fit, shared, event.source_count, -event.id), -i, event))
        if len(fitting) > 1:  # a timeless fit holds only when it is the one candidate (see _timeless_lead)
            fitting = [option for option in fitting if option[0][0] > 0]
        options.extend(fitting)
    options.sort(key=lambda option: option[:2], reverse=True)
    chosen: list[Event | None] = [None] * len(reports)
    taken: set[int] = set()
    for _, minus_i, event in options:
        if chosen[-minus_i] is None and event.id not in taken:
            chosen[-minus_i] = event
            taken.add(event.id)
    return chosen


def _stored_targets(session: Session, reports: list[Report], article_id: int) -> dict[Event, set[int]]:
    """Stored events that may be what the reports are about (and that this article does not report
    yet), each with its target entities among theirs: one query per article, narrowed in SQL by type,
    subtype, shared target and time, so its cost does not grow with an entity's history."""
    wanted = [_wanted(r) for r in reports if r.target_ids]
    wanted = [condition for condition in wanted if condition is not None]
    if not wanted:
        return {}
    already_reported_here = exists().where(Mention.event_id == Event.id, Mention.article_id == article_id)
    from_register = exists().where(RegistryEventSource.event_id == Event.id)  # checked by link.py, never merged
    query = (
        select(Event, EventEntity.entity_id)
        .join(EventEntity, EventEntity.event_id == Event.id)
        .where(EventEntity.role == "target", or_(*wanted), ~already_reported_here, ~from_register)
        .where(Event.merged_into.is_(None))  # an analyst merged it into another event (civicwatch.store.merges)
    )
    found: dict[Event, set[int]] = {}
    for event, entity_id in session.execute(query):
        found.setdefault(event, set()).add(entity_id)
    return found


def assumed(mention: Mention) -> bool:
    """Whether the mention's date is only its article's publication day (the extractor's
    ``date_source="published"``): the act happened then or a little before."""
    return bool(mention.date) and (mention.extra or {}).get("date_source") == "published"


def _report_date(report: Report) -> tuple[str | None, date | None]:
    """(the date the report gives, its publication day): an assumed date counts as a publication day."""
    m = report.mention
    if not assumed(m):
        return m.date, report.published
    span = date_range(m.date)
    return None, report.published or (span[0] if span else None)


def _event_date(event: Event) -> str | None:
    """The stored event's date, unless it is only assumed from the publication day of its reports."""
    if not event.date or "date" in (event.edited_fields or ()):
        return event.date
    dated = [m for m in event.mentions if m.date == event.date]
    return None if dated and all(assumed(m) for m in dated) else event.date


def _wanted(report: Report):
    """The SQL condition for stored events this report may merge with (a superset of ``_fit``)."""
    m = report.mention
    kinds = [and_(Event.type == t, Event.subtype == s) for t, s in sorted(compatible_acts(m.type, m.subtype))]
    same_kind = and_(or_(*kinds), EventEntity.entity_id.in_(report.target_ids))
    window = timedelta(days=WINDOW_DAYS)
    own_date, published = _report_date(report)
    if own_date is None:
        if published is None:
            return same_kind if _lead(m) else None  # see _timeless_lead
        day = published
        near_date = and_(Event.date_start <= day + window, Event.date_end >= day - window)
        near_reports = and_(Event.first_published <= day + window, Event.last_published >= day - window)
        return and_(same_kind, or_(near_date, near_reports))
    span = date_range(own_date)
    if span is None:  # the year is unknown ("XXXX-06-03"): time cannot narrow the search
        return same_kind
    start, end = span
    overlapping = and_(Event.date_start <= end, Event.date_end >= start)
    year_unknown = and_(Event.date.is_not(None), Event.date_start.is_(None))
    reported_near = and_(Event.first_published <= end + window, Event.last_published >= start - window)
    timeless = and_(Event.date.is_(None), Event.first_published.is_(None))
    return and_(same_kind, or_(overlapping, year_unknown, reported_near, timeless))


def _fit(event: Event, report: Report) -> tuple[int, int, int] | None:
    """None when the report cannot be about this event; else how well it fits: (2, 1, 0) when the dates
    agree, (1, dated, -days apart) when one of them is undated (or only assumed from a publication day) and
    they are within the type's window (``civicwatch.core.schema.MERGE_WINDOW_DAYS``); ``dated`` is 1 for a
    report with a date of its own, which says better than an undated one of its article which act it is;
    (0, 0, 0) when one side has no time at all and both are lead acts (``_timeless_lead``)."""
    m = report.mention
    if not acts_agree(event.type, event.subtype, m.type, m.subtype):
        return None
    own_date, published = _report_date(report)
    stored_date = _event_date(event)
    if not _countries_agree(event, report, own_date, stored_date):
        return None
    if m.type == "reaction" and event.actor and m.actor and not _same_speaker(event.actor, m.actor):
        return None
    if stored_date and own_date:
        return (2, 1, 0) if dates_agree(stored_date, own_date) else None
    if _beside_a_dated_act(m) or (stored_date is None and all(_beside_a_dated_act(s) for s in event.mentions)):
        return None
    apart = _days_apart(event, stored_date, own_date, published)
    if apart is None:
        return (0, 0, 0) if _timeless_lead(event, report, stored_date, own_date, published) else None
    return (1, int(own_date is not None), -apart[1]) if apart[0] <= merge_window(m.type) else None


def _lead(mention: Mention) -> bool:
    """Whether the report is of its article's lead act (the extractor's ``LEAD_ACT``: its news)."""
    return bool((mention.extra or {}).get(LEAD_ACT))


def _timeless_lead(
    event: Event, report: Report, stored_date: str | None, own_date: str | None, published: date | None
) -> bool:
    """Whether one side has neither a date nor a publication date, and both sides are their articles' lead
    acts (``LEAD_ACT``): two articles' news of one kind about one target is one act, whatever the missing
    date. It holds only when the other side is the one stored event that fits (``assign``); background
    acts (an earlier charge of the same person, a listing recalled years later) never join this way."""
    timeless_report = own_date is None and published is None
    timeless_event = stored_date is None and event.first_published is None and event.last_published is None
    if not (timeless_report or timeless_event):
        return False
    return _lead(report.mention) and any(_lead(m) for m in event.mentions)


BESIDE = "undated_beside"  # Mention.extra: the type of the dated act its sentence reports (ingest.add_reports)


def _beside_a_dated_act(mention: Mention) -> bool:
    """Whether the report is undated and its sentence reports a dated act of another type ("On August 28 the
    prosecutor filed a lawsuit to liquidate X": a lawsuit of the 28th, and the liquidation it asks for). Its
    act is not known to be near its article's publication day, so it never merges through the window."""
    return not mention.date and bool((mention.extra or {}).get(BESIDE))


def explain(event: Event, report: Report, shared: list[str]) -> dict:
    """Why a report joined a stored event, kept with its mention (``Mention.extra["merge"]``): the entity
    keys they share, how their dates agree and the subtypes they pair."""
    m = report.mention
    own_date, published = _report_date(report)
    stored_date = _event_date(event)
    if own_date and stored_date:
        dates = f"{own_date} agrees with {stored_date}"
    elif _days_apart(event, stored_date, own_date, published) is None:
        dates = (
            "one side has no date and no publication date: its article's lead act, and the only stored event that fits"
        )
    else:
        apart = _days_apart(event, stored_date, own_date, published)
        days = apart[0] if apart else None
        said = own_date or (f"published {published.isoformat()}" if published else "undated")
        dates = f"{said}: {days} days from the event's {'date' if stored_date else 'reports'}"
        dates += f" (window {merge_window(m.type)} days for a {m.type})"
    return {
        "event": event.id,
        "shared": sorted(shared),
        "dates": dates,
        "subtypes": f"{event.type}/{event.subtype} + {m.type}/{m.subtype}",
    }


def _countries_agree(event: Event, report: Report, own_date: str | None, stored_date: str | None) -> bool:
    """One country's act is not another's, unless one of the two is only the home the alias table gives
    a target (Meduza's Latvia), for a designation (the extractor names the target's home where the
    designating state is meant) or for reports dated to the same day. Never for laws."""
    countries = {event.country, report.mention.country} - {None}
    if len(countries) < 2:
        return True
    if report.mention.type == "law" or not countries & report.homes:
        return False
    same_day = bool(own_date and stored_date) and all(date_precision(d) == "day" for d in (own_date, stored_date))
    return report.mention.type in ("designation", "delisting") or (same_day and dates_agree(own_date, stored_date))


def _same_speaker(a: str, b: str) -> bool:
    key_a, key_b = canonical_key(a), canonical_key(b)
    if key_a is None or key_b is None:
        return True  # "statement", "officials": no identity to tell them apart
    return key_a == key_b or resolved_strength(a, b) > 0


def _days_apart(
    event: Event, stored_date: str | None, own_date: str | None, published: date | None
) -> tuple[int, int] | None:
    """(days for the window, days for ranking) between the undated side and the other side; None when
    there is nothing to compare. A dated event is ranked by its own date, an undated one by its reports'
    publication dates: an undated report of Thursday's court ruling goes to Thursday's event."""
    first, last = event.first_published, event.last_published or event.first_published
    reported: list[tuple[date, date]] = [(first, last)] if first and last else []
    span = date_range(stored_date)
    if own_date is None:
        if published is None:
            return None
        day = [(published, published)]
        window = _gap(day, reported + ([span] if span else []))
        ranking = _gap(day, [span]) if span else window
        return None if window is None or ranking is None else (window, ranking)
    own = [span] if (span := date_range(own_date)) else _in_years(own_date, reported)
    window = _gap(own, reported) if own else None
    return None if window is None else (window, window)


def _in_years(edtf: str, reported: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """A date whose year is unknown ("XXXX-04-23": "on April 23") in the years the event was reported in,
    and the year before (a report in January of an act in December)."""
    if not edtf.startswith("XXXX") or not reported:
        return []
    years = {day.year + back for span in reported for day in span for back in (0, -1)}
    return [span for year in sorted(years) if (span := date_range(f"{year}{edtf[4:]}"))]


def _gap(a: list[tuple[date, date]], b: list[tuple[date, date]]) -> int | None:
    """The fewest days between a day range of ``a`` and one of ``b`` (0 when they overlap)."""
    gaps = [max((s2 - e1).days, (s1 - e2).days, 0) for s1, e1 in a for s2, e2 in b]
    return min(gaps) if gaps else None


def new_event(report: Report) -> Event:
    """A stored event made from its first report."""
    m = report.mention
    span = date_range(m.date)
    return Event(
        **field_values(m),
        date_start=span[0] if span else None,
        date_end=span[1] if span else None,
        evidence_article_id=m.article_id,
        source_count=1,
        first_published=report.published,
        last_published=report.published,
    )


def absorb(session: Session, event: Event, report: Report) -> None:
    """Update a stored event with one more report of it (the mention itself is added by the caller).

    Fields an analyst edited (``Event.edited_fields``: civicwatch.store.review) keep the analyst's value,
    and the review state is never changed here: a rejected event stays rejected as reports come in.
    """
    m = report.mention
    kept = set(event.edited_fields or ())
    stored_assumed = event.date is not None and _event_date(event) is None
    replaces = precision(m.date) > precision(event.date) or (stored_assumed and m.date is not None)
    if "date" not in kept and replaces and not (assumed(m) and event.date):
        event.date = m.date
        span = date_range(m.date)
        event.date_start, event.date_end = span if span else (None, None)
    current = session.scalar(
        select(Mention).where(Mention.event_id == event.id, Mention.article_id == event.evidence_article_id)
    )
    if current is None or _evidence_rank(m) > _evidence_rank(current):
        event.evidence, event.evidence_start, event.evidence_end = m.evidence, m.evidence_start, m.evidence_end
        event.evidence_article_id = m.article_id
        if "subtype" not in kept and "type" not in kept:
            event.subtype = m.subtype
        if "actor" not in kept:
            event.actor = m.actor or event.actor
        if "location" not in kept:
            event.location = m.location or event.location
    else:
        if "actor" not in kept:
            event.actor = event.actor or m.actor
        if "location" not in kept:
            event.location = event.location or m.location
    if "country" not in kept:
        event.country = event.country or m.country
    if "status" not in kept and _STATUS_RANK[m.status] > _STATUS_RANK[event.status]:
        event.status = m.status
    if "targets" not in kept:
        event.targets = _union_targets(event.targets, m.targets)
    event.boilerplate = event.boilerplate and m.boilerplate
    event.source_count += 1
    event.confidence = round(min(MAX_CONFIDENCE, max(event.confidence, m.confidence) + SOURCE_BONUS), 2)
    if report.published:
        event.first_published = min(filter(None, (event.first_published, report.published)))
        event.last_published = max(filter(None, (event.last_published, report.published)))


EDITED_ROLE_FIELDS = {"target": "targets", "actor": "actor", "location": "location"}


def keeps_role(event: Event, role: str) -> bool:
    """Whether an analyst edited the field of this role, so a merged report adds no entity links for it."""
    return EDITED_ROLE_FIELDS.get(role) in (event.edited_fields or ())


def _evidence_rank(m: Mention) -> tuple:
    return (not m.boilerplate, not (m.extra or {}).get("headline", False), m.confidence)


def _union_targets(kept: list[str], new: list[str]) -> list[str]:
    """Targets of every report, one surface name per entity (the first one seen)."""
    seen = {entity_key(t) or t.casefold() for t in kept}
    out = list(kept)
    for target in new:
        key = entity_key(target) or target.casefold()
        if key not in seen:
            seen.add(key)
            out.append(target)
    return out
