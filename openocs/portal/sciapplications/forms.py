"""Forms of the proposal-cycle pages: they parse; the services decide.

The application form, its time-request and co-investigator rows (formsets: an empty row is
ignored, *Remove* drops a row), the reviewer's grade, and the committee's assignment and decision.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.forms import BaseFormSet, formset_factory

from openocs.portal.proposals.models import Semester
from openocs.portal.sciapplications import conf
from openocs.portal.sciapplications.models import Call, Review, ScienceApplication


class ApplicationForm(forms.Form):
    title = forms.CharField(max_length=200)
    abstract = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"At most {conf.ABSTRACT_MAX_WORDS} words; required to submit.",
    )
    pi = forms.EmailField(
        required=False,
        label="PI's e-mail",
        help_text="Leave the PI fields empty when you are the principal investigator.",
    )
    pi_first_name = forms.CharField(required=False, max_length=255, label="PI's first name")
    pi_last_name = forms.CharField(required=False, max_length=255, label="PI's last name")
    pi_institution = forms.CharField(required=False, max_length=255, label="PI's institution")
    targets = forms.CharField(
        required=False,
        label="Target list",
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "class": "mono"}),
        help_text="One target a line: name, RA, Dec — in degrees or as hh:mm:ss, ±dd:mm:ss.",
    )
    pdf = forms.FileField(
        required=False,
        label="Scientific justification (PDF)",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text=(
            f"At most {conf.PDF_MAX_MB} MB, {conf.PDF_MAX_PAGES} pages and "
            f"{conf.PDF_MAX_WORDS:,} words; required to submit. A new file replaces the old one."
        ),
    )


class TimeRequestForm(forms.Form):
    semester = forms.ChoiceField()
    instrument_type = forms.ChoiceField(label="Instrument")
    std_time = forms.FloatField(min_value=0, required=False, label="Standard hours")
    rr_time = forms.FloatField(min_value=0, required=False, label="Rapid-response hours")
    tc_time = forms.FloatField(min_value=0, required=False, label="Time-critical hours")

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        semesters = list(call.eligible_semesters.all()) or [call.semester]
        self._choose("semester", [(s.pk, s.pk) for s in semesters])
        self._choose("instrument_type", [(code, code) for code in call.instruments])

    def _choose(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = cast(forms.ChoiceField, self.fields[name])
        field.choices = choices

    def as_request(self) -> dict[str, Any] | None:
        """The row as the service takes it, or None for a row left empty."""
        data = self.cleaned_data
        hours = [data.get(name) or 0.0 for name in ("std_time", "rr_time", "tc_time")]
        if not any(hours) or data.get("DELETE"):
            return None
        return {
            "semester": Semester.objects.get(pk=data["semester"]),
            "instrument_types": [data["instrument_type"]],
            "std_time": hours[0],
            "rr_time": hours[1],
            "tc_time": hours[2],
        }


class CoInvestigatorForm(forms.Form):
    email = forms.EmailField(required=False, label="E-mail")
    first_name = forms.CharField(required=False, max_length=255, label="First name")
    last_name = forms.CharField(required=False, max_length=255, label="Last name")
    institution = forms.CharField(required=False, max_length=255)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        named = any(data.get(n) for n in ("first_name", "last_name", "institution"))
        if named and not data.get("email") and not data.get("DELETE"):
            self.add_error("email", "Give the co-investigator's e-mail address.")
        return data

    def as_coinvestigator(self) -> dict[str, str] | None:
        data = self.cleaned_data
        if not data.get("email") or data.get("DELETE"):
            return None
        return {k: data.get(k) or "" for k in ("email", "first_name", "last_name", "institution")}


TimeRequestFormSet: type[BaseFormSet[TimeRequestForm]] = formset_factory(
    TimeRequestForm, extra=1, can_delete=True
)
CoInvestigatorFormSet: type[BaseFormSet[CoInvestigatorForm]] = formset_factory(
    CoInvestigatorForm, extra=1, can_delete=True
)


def timerequest_initial(application: ScienceApplication | None) -> list[dict[str, Any]]:
    if application is None:
        return []
    return [
        {
            "semester": r.semester_id,
            "instrument_type": (r.instrument_types or [""])[0],
            "std_time": r.std_time,
            "rr_time": r.rr_time,
            "tc_time": r.tc_time,
        }
        for r in application.timerequest_set.all()
    ]


def coinvestigator_initial(application: ScienceApplication | None) -> list[dict[str, Any]]:
    if application is None:
        return []
    return [
        {
            "email": c.email,
            "first_name": c.first_name,
            "last_name": c.last_name,
            "institution": c.institution,
        }
        for c in application.coinvestigator_set.all()
    ]


class GradeForm(forms.Form):
    grade = forms.TypedChoiceField(
        coerce=int,
        choices=Review.GRADE_CHOICES,
        widget=forms.RadioSelect,
        help_text="The committee ranks applications by their mean grade.",
    )
    comments = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="For the committee: strengths, weaknesses, feasibility.",
    )


class AssignForm(forms.Form):
    reviewer = forms.CharField(
        max_length=254,
        label="Reviewer's username or e-mail",
        help_text="They get an e-mail and find the application under Reviews.",
    )


class DecisionForm(forms.Form):
    tac_rank = forms.IntegerField(
        min_value=1,
        label="Rank",
        help_text="Also the proposal id's number (LCO2026B-007 for rank 7).",
    )
    tac_priority = forms.IntegerField(min_value=0, initial=10, label="Priority")
    approved = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label="Time requests approved",
        help_text="Each becomes an allocation of the new proposal.",
    )

    def __init__(self, *args: Any, application: ScienceApplication, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        approved = cast(forms.ChoiceField, self.fields["approved"])
        approved.choices = [
            (
                r.pk,
                f"{r.semester_id} · {', '.join(r.instrument_types)}: {r.std_time:g} h standard, "
                f"{r.rr_time:g} h rapid response, {r.tc_time:g} h time critical",
            )
            for r in application.timerequest_set.all()
        ]
