"""The dashboard's filters as a URL says them (`?q=replica+lag&severity=sev1&severity=sev2
&service=payments&ic=U0ALICE&from=2026-01-01&to=2026-03-31&page=2`), so any view can be
shared by its link; a value that means nothing is left out of the filter, and said so on
the page."""

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from warroom.domain.incident import Severity, Status
from warroom.store.incident_search import Filters

MOST_WORDS = 8  # each word is one more look through every timeline message


@dataclass(frozen=True)
class Query:
    filters: Filters
    page: int = 1
    problems: list[str] = field(default_factory=list)

    def link(self, **changes) -> str:
        """This view's query string with `changes` (page=2, format...)."""
        pairs = [("q", " ".join(self.filters.words))] if self.filters.words else []
        pairs += [("status", s.value) for s in self.filters.statuses]
        pairs += [("severity", s.value) for s in self.filters.severities]
        single = {
            "service": self.filters.service,
            "ic": self.filters.commander,
            "from": self.filters.declared_from,
            "to": self.filters.declared_to,
            "page": self.page if self.page > 1 else None,
        }
        single |= changes
        pairs += [(name, str(value)) for name, value in single.items() if value]
        return urlencode(pairs)


def parse(params: QueryParams) -> Query:
    problems: list[str] = []

    def enums(name: str, kind) -> tuple:
        chosen = []
        for value in params.getlist(name):
            try:
                chosen.append(kind(value))
            except ValueError:
                problems.append(f"{name} {value!r} is not one warroom knows")
        return tuple(chosen)

    def day(name: str) -> date | None:
        value = params.get(name) or ""
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            problems.append(f"{name} {value!r} is no date (YYYY-MM-DD)")
            return None

    words = (params.get("q") or "").split()
    if len(words) > MOST_WORDS:
        problems.append(f"the search's words after the first {MOST_WORDS}")
    filters = Filters(
        words=tuple(words[:MOST_WORDS]),
        statuses=enums("status", Status),
        severities=enums("severity", Severity),
        service=params.get("service") or None,
        commander=params.get("ic") or None,
        declared_from=day("from"),
        declared_to=day("to"),
    )
    return Query(filters, page_number(params.get("page", "1")), problems)


def page_number(given: str) -> int:
    """A page's number from the address: 1 for anything that is not a positive number."""
    return int(given) if given.isascii() and given.isdigit() and int(given) > 0 else 1
