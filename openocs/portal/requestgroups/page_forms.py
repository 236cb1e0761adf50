"""The filter forms of the request-group and request list pages.

They only turn what a person types (dates, one state) into the query parameters of the API's own
filter sets (:mod:`openocs.portal.requestgroups.filters`), which do the filtering: the pages and
``GET /api/requestgroups/`` filter by the same rules.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict

from openocs.portal.requestgroups.models import ObservationType, State

_ANY = [("", "Any")]


class RequestGroupFilterForm(forms.Form):
    name = forms.CharField(required=False, label="Name contains", max_length=50)
    target = forms.CharField(required=False, label="Target contains", max_length=50)
    state = forms.ChoiceField(required=False, choices=_ANY + list(State.choices))
    proposal = forms.ChoiceField(required=False, choices=_ANY)
    observation_type = forms.ChoiceField(
        required=False, label="Observation type", choices=_ANY + list(ObservationType.choices)
    )
    created_after = forms.DateField(
        required=False, label="Created from", widget=forms.DateInput(attrs={"type": "date"})
    )
    created_before = forms.DateField(
        required=False, label="Created until", widget=forms.DateInput(attrs={"type": "date"})
    )
    window_after = forms.DateField(
        required=False,
        label="Windows end after",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    window_before = forms.DateField(
        required=False,
        label="Windows start before",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

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
        """The API filter set's query parameters for what the form holds (valid form only)."""
        params = QueryDict(mutable=True)
        data = self.cleaned_data
        for name in ("name", "target", "state", "proposal", "observation_type"):
            if data.get(name):
                params[name] = data[name]
        if data.get("created_after"):
            params["created_after"] = f"{data['created_after'].isoformat()}T00:00:00Z"
        if data.get("created_before"):
            params["created_before"] = f"{data['created_before'].isoformat()}T23:59:59Z"
        if ordering:
            params["ordering" if ordering.lstrip("-") != "end" else "order"] = ordering
        return params

    @property
    def is_filtered(self) -> bool:
        return any(self.cleaned_data.get(name) for name in self.fields) if self.is_valid() else True


class RequestFilterForm(forms.Form):
    state = forms.ChoiceField(required=False, choices=_ANY + list(State.choices))
    telescope_class = forms.ChoiceField(
        required=False,
        label="Telescope class",
        choices=_ANY + [(c, c) for c in ("0m4", "1m0", "2m0")],
    )

    def filter_params(self, ordering: str) -> QueryDict:
        params = QueryDict(mutable=True)
        for name in ("state", "telescope_class"):
            if self.cleaned_data.get(name):
                params[name] = self.cleaned_data[name]
        if ordering:
            params["ordering"] = ordering
        return params
