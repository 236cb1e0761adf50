"""The filter forms of the request-group and request list pages.

They only turn what a person types (dates, one state) into the query parameters of the API's own
filter sets (:mod:`openocs.portal.requestgroups.filters`), which do the filtering: the pages and
``GET /api/requestgroups/`` filter by the same rules.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from django import forms
from django.http import QueryDict

from openocs.portal.requestgroups.models import ObservationType, State

_ANY = [("", "Any")]


def _date_input(label: str) -> forms.DateField:
    return forms.DateField(
        required=False, label=label, widget=forms.DateInput(attrs={"type": "date"})
    )


class ListFilterForm(forms.Form):
    """What both lists filter on; ``TEXT_FILTERS`` are passed to the filter set as typed."""

    TEXT_FILTERS: tuple[str, ...] = ("target", "state", "proposal")

    target = forms.CharField(required=False, label="Target contains", max_length=50)
    state = forms.ChoiceField(required=False, choices=_ANY + list(State.choices))
    proposal = forms.ChoiceField(required=False, choices=_ANY)
    created_after = _date_input("Created from")
    created_before = _date_input("Created until")
    window_after = _date_input("Windows end after")
    window_before = _date_input("Windows start before")

    def __init__(self, *args: Any, proposals: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposal"].choices = _ANY + [(p, p) for p in proposals]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for first, last in (("created_after", "created_before"), ("window_after", "window_before")):
            if data.get(first) and data.get(last) and data[first] > data[last]:
                self.add_error(last, "This date is before the other one.")
        return data

    def filter_params(self, ordering: str) -> QueryDict:
        """The filter set's query parameters for what the form holds (valid form only), without
        the window dates (see :meth:`window_range`)."""
        params = QueryDict(mutable=True)
        data = self.cleaned_data
        for name in self.TEXT_FILTERS:
            if data.get(name):
                params[name] = data[name]
        if data.get("created_after"):
            params["created_after"] = f"{data['created_after'].isoformat()}T00:00:00Z"
        if data.get("created_before"):
            params["created_before"] = f"{data['created_before'].isoformat()}T23:59:59.999999Z"
        if ordering:
            params[self.ordering_parameter(ordering)] = ordering
        return params

    def ordering_parameter(self, ordering: str) -> str:
        return "ordering"

    def window_range(self) -> tuple[datetime | None, datetime | None]:
        """The window dates as the instants the window selectors take (valid form only)."""
        data = self.cleaned_data
        return _day_start(data.get("window_after")), _day_end(data.get("window_before"))


def _day_start(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None


def _day_end(day: date | None) -> datetime | None:
    return datetime.combine(day, time.max, tzinfo=UTC) if day else None


class RequestGroupFilterForm(ListFilterForm):
    TEXT_FILTERS = ("name", "target", "state", "proposal", "observation_type")

    name = forms.CharField(required=False, label="Name contains", max_length=50)
    observation_type = forms.ChoiceField(
        required=False, label="Observation type", choices=_ANY + list(ObservationType.choices)
    )

    field_order = ("name", "target", "state", "proposal", "observation_type")

    def ordering_parameter(self, ordering: str) -> str:
        # the last window's end is the filter set's ``order``; the columns are ``ordering``
        return "order" if ordering.lstrip("-") == "end" else "ordering"


class RequestFilterForm(ListFilterForm):
    TEXT_FILTERS = ("target", "state", "proposal", "telescope_class")

    telescope_class = forms.ChoiceField(required=False, label="Telescope class", choices=_ANY)

    field_order = ("target", "state", "proposal", "telescope_class")

    def __init__(self, *args: Any, proposals: list[str], classes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, proposals=proposals, **kwargs)
        self.fields["telescope_class"].choices = _ANY + [(c, c) for c in classes]  # type: ignore[attr-defined]


def ordering_params(form: ListFilterForm, ordering: str) -> QueryDict:
    """The filter set's parameters of an unfiltered list: its ordering only."""
    params = QueryDict(mutable=True)
    params[form.ordering_parameter(ordering)] = ordering
    return params
