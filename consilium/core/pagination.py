"""One page of a long list, for every list that grows with the data (queues, inboxes, a patient's
cases, notices, the outbox).

A page is fetched as `LIMIT size + 1 OFFSET (n - 1) * size`: the extra row says whether there is
a next page, so a page costs one query whatever the list's length and no COUNT(*) (a list that
shows its total counts it once, in its own query). The size is `settings.LIST_PAGE_SIZE`
(`CONSILIUM_LIST_PAGE_SIZE`, 25)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, overload

from django.conf import settings
from django.db.models import Model, QuerySet

T = TypeVar("T")
M = TypeVar("M", bound=Model)

# Past this a page number is taken as the last one anyone could mean: OFFSET work stays bounded.
MAX_PAGE = 10_000


def page_number(value: object) -> int:
    """The page asked for in a query string: a whole number from 1, anything else is page 1."""
    text = str(value or "").strip()
    if not text.isdigit():
        return 1
    return max(1, min(int(text), MAX_PAGE))


@dataclass(frozen=True)
class ListPage(Generic[T]):
    """The rows of one page, where it is in the list, and the query parameter naming it (a page
    with two lists, like the triage queue, pages each by its own parameter)."""

    items: list[T]
    number: int
    per_page: int
    has_next: bool
    param: str = "page"
    total: int | None = None

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def num_pages(self) -> int | None:
        if self.total is None:
            return None
        return max(1, -(-self.total // self.per_page))

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


@overload
def list_page(
    rows: QuerySet[M], *, page: object = 1, param: str = "page", per_page: int | None = None,
    total: int | None = None,
) -> ListPage[M]: ...


@overload
def list_page(
    rows: Sequence[T], *, page: object = 1, param: str = "page", per_page: int | None = None,
    total: int | None = None,
) -> ListPage[T]: ...


def list_page(
    rows: Any, *, page: object = 1, param: str = "page", per_page: int | None = None,
    total: int | None = None,
) -> ListPage[Any]:
    """Page `page` of `rows` (a queryset, sliced in the database, or a list)."""
    size = per_page or settings.LIST_PAGE_SIZE
    number = page_number(page)
    start = (number - 1) * size
    fetched = list(rows[start:start + size + 1])
    return ListPage(items=fetched[:size], number=number, per_page=size,
                    has_next=len(fetched) > size, param=param, total=total)
