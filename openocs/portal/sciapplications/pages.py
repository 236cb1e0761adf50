"""The proposal cycle in a browser: calls, applications, reviews and the committee's decisions.

- ``calls/``: the open calls (deadline, instruments) and the next ones; staff reach each call's
  ranking (``calls/<id>/ranking``).
- ``applications/``: the applicant's own applications and their status; ``applications/new``
  and ``applications/<id>/``: the form (sections, target list, time per instrument and semester,
  co-investigators, PDF) saved as a draft or submitted; read-only once submitted.
- ``reviews/``: the applications assigned to the signed-in reviewer; ``reviews/<id>/`` records
  the grade and comments.
- Staff, on an application's page: assign reviewers, read the reviews, accept it into a
  proposal with allocations, or reject it.

Views parse with ``forms``, call one service (``services``, ``reviews``) or selector, and render;
a refused action shows the service's message next to the field it names.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from openocs.portal.accounts.selectors import user_by_name_or_email
from openocs.portal.sciapplications import conf, reviews, selectors, services
from openocs.portal.sciapplications.errors import ApplicationError
from openocs.portal.sciapplications.forms import (
    ApplicationForm,
    AssignForm,
    CoInvestigatorFormSet,
    DecisionForm,
    GradeForm,
    TimeRequestFormSet,
    coinvestigator_initial,
    timerequest_initial,
)
from openocs.portal.sciapplications.models import Call, Review, ScienceApplication
from openocs.web.responses import not_found_page

_FORM_FIELDS = frozenset(ApplicationForm.base_fields)


@login_required
def calls(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    visible = selectors.calls_visible_to(request.user)
    mine: dict[int, ScienceApplication] = {}
    for application in selectors.applications_of(request.user).filter(call__in=visible):
        mine.setdefault(application.call_id, application)  # the one changed last
    open_calls = [
        {"call": c, "application": mine.get(c.pk)} for c in selectors.open_calls(request.user)
    ]
    upcoming = list(visible.filter(opens__gt=now).order_by("opens")[:10])
    context: dict[str, Any] = {"open_calls": open_calls, "upcoming": upcoming}
    if request.user.is_staff:
        context["past"] = list(visible.filter(deadline__lt=now).order_by("-deadline")[:10])
    context["review_count"] = selectors.reviews_of(request.user).filter(graded=None).count()
    return render(request, "sciapplications/calls.html", context)


@login_required
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    call = Call.objects.select_related("semester").filter(pk=pk).first()
    if not request.user.is_staff or call is None:
        return not_found_page(request, "This call's ranking")
    rows = selectors.call_ranking(call)
    return render(request, "sciapplications/ranking.html", {"call": call, "rows": rows})


@login_required
def applications(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "sciapplications/applications.html",
        {"applications": selectors.applications_of(request.user)},
    )


def _form_context(
    *,
    call: Call,
    application: ScienceApplication | None,
    form: ApplicationForm,
    timerequests: Any,
    coinvestigators: Any,
    timerequest_error: str = "",
) -> dict[str, Any]:
    return {
        "call": call,
        "application": application,
        "form": form,
        "timerequests": timerequests,
        "coinvestigators": coinvestigators,
        "timerequest_error": timerequest_error,
        "limits": {
            "abstract_words": conf.ABSTRACT_MAX_WORDS,
            "pdf_mb": conf.PDF_MAX_MB,
            "pdf_pages": conf.PDF_MAX_PAGES,
            "pdf_words": conf.PDF_MAX_WORDS,
        },
    }


def _blank_forms(
    call: Call, application: ScienceApplication | None
) -> tuple[ApplicationForm, Any, Any]:
    initial: dict[str, Any] = {}
    if application is not None:
        initial = {name: getattr(application, name) for name in services.EDITABLE_FIELDS}
        initial["targets"] = services.targets_as_text(application.targets)
    return (
        ApplicationForm(initial=initial),
        TimeRequestFormSet(
            prefix="time", initial=timerequest_initial(application), form_kwargs={"call": call}
        ),
        CoInvestigatorFormSet(prefix="coi", initial=coinvestigator_initial(application)),
    )


def _save(request: HttpRequest, call: Call, application: ScienceApplication | None) -> HttpResponse:
    """Parse the application form and save (and submit) it through the services, or show why not."""
    form = ApplicationForm(request.POST, request.FILES)
    timerequests = TimeRequestFormSet(request.POST, prefix="time", form_kwargs={"call": call})
    coinvestigators = CoInvestigatorFormSet(request.POST, prefix="coi")
    submit = request.POST.get("action") == "submit"

    def again(timerequest_error: str = "") -> HttpResponse:
        context = _form_context(
            call=call,
            application=application,
            form=form,
            timerequests=timerequests,
            coinvestigators=coinvestigators,
            timerequest_error=timerequest_error,
        )
        return render(request, "sciapplications/application_form.html", context, status=400)

    if not (form.is_valid() and timerequests.is_valid() and coinvestigators.is_valid()):
        return again()
    data = dict(form.cleaned_data)
    pdf = data.pop("pdf", None) or None
    try:
        data["targets"] = services.targets_from_text(data.pop("targets"))
        requests = [r for f in timerequests.forms if (r := f.as_request()) is not None]
        people = [c for f in coinvestigators.forms if (c := f.as_coinvestigator()) is not None]
        title = data.pop("title")
        if application is None:
            saved = services.application_create(
                submitter=request.user,
                call=call,
                title=title,
                fields=data,
                timerequests=requests,
                coinvestigators=people,
                pdf=pdf,
                submit=submit,
            )
        else:
            saved = services.application_update(
                application=application,
                actor=request.user,
                fields={"title": title, **data},
                timerequests=requests,
                coinvestigators=people,
                pdf=pdf,
                submit=submit,
            )
    except ApplicationError as error:
        if error.field == "timerequest_set":
            return again(error.message)
        form.add_error(error.field if error.field in _FORM_FIELDS else None, error.message)
        return again()
    if submit:
        messages.success(
            request,
            "Your application is submitted. A confirmation is on its way to "
            f"{saved.submitter.email}.",
        )
    else:
        messages.success(
            request, "Your draft is saved. Come back to it any time before the deadline."
        )
    return redirect("page-application", pk=saved.pk)


@login_required
def application_new(request: HttpRequest) -> HttpResponse:
    call_id = request.POST.get("call") or request.GET.get("call") or ""
    call = (
        selectors.open_calls(request.user).filter(pk=int(call_id)).first()
        if call_id.isdigit()
        else None
    )
    if call is None:
        messages.error(request, "Choose an open call to apply to.")
        return redirect("page-calls")
    if request.method == "POST":
        return _save(request, call, None)
    form, timerequests, coinvestigators = _blank_forms(call, None)
    context = _form_context(
        call=call,
        application=None,
        form=form,
        timerequests=timerequests,
        coinvestigators=coinvestigators,
    )
    return render(request, "sciapplications/application_form.html", context)


def _detail_context(request: HttpRequest, application: ScienceApplication) -> dict[str, Any]:
    context: dict[str, Any] = {
        "application": application,
        "call": application.call,
        "is_author": application.submitter_id == request.user.pk,
        "timerequests": list(application.timerequest_set.select_related("semester")),
        "coinvestigators": list(application.coinvestigator_set.all()),
    }
    if request.user.is_staff:
        context["reviews"] = list(application.reviews.select_related("reviewer"))
        context["assign_form"] = AssignForm()
        if application.status == ScienceApplication.SUBMITTED:
            position = next(
                (
                    row.position
                    for row in selectors.call_ranking(application.call)
                    if row.application.pk == application.pk
                ),
                None,
            )
            context["decision_form"] = DecisionForm(
                application=application,
                initial={
                    "tac_rank": application.tac_rank or position,
                    "tac_priority": application.tac_priority or 10,
                    "approved": [r.pk for r in context["timerequests"]],
                },
            )
    return context


def _detail(
    request: HttpRequest, application: ScienceApplication, *, status: int = 200, **extra: Any
) -> HttpResponse:
    context = {**_detail_context(request, application), **extra}
    return render(request, "sciapplications/application.html", context, status=status)


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_for_reader(request.user, pk)
    if application is None:
        return not_found_page(request, "This application")
    editable = (
        application.submitter_id == request.user.pk
        and application.status == ScienceApplication.DRAFT
    )
    if editable and services.call_is_open(application.call):
        if request.method == "POST":
            return _save(request, application.call, application)
        form, timerequests, coinvestigators = _blank_forms(application.call, application)
        context = _form_context(
            call=application.call,
            application=application,
            form=form,
            timerequests=timerequests,
            coinvestigators=coinvestigators,
        )
        return render(request, "sciapplications/application_form.html", context)
    if request.method == "POST":
        messages.error(request, "This application can no longer be changed.")
        return redirect("page-application", pk=application.pk)
    return _detail(request, application)


@login_required
def application_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    application = selectors.application_for_reader(request.user, pk)
    if application is None or not application.pdf:
        return not_found_page(request, "This application's PDF")
    return FileResponse(
        application.pdf.open("rb"),
        content_type="application/pdf",
        filename=f"application-{application.pk}.pdf",
    )


@login_required
@require_POST
def application_delete(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.applications_of(request.user).filter(pk=pk).first()
    if application is None:
        return not_found_page(request, "This application")
    try:
        services.application_delete(application=application, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("page-application", pk=application.pk)
    messages.success(request, f"The draft “{application.title}” is deleted.")
    return redirect("page-applications")


def _staff_application(request: HttpRequest, pk: int) -> ScienceApplication | None:
    if not request.user.is_staff:
        return None
    return selectors.application_for_reader(request.user, pk)


@login_required
@require_POST
def application_assign(request: HttpRequest, pk: int) -> HttpResponse:
    application = _staff_application(request, pk)
    if application is None:
        return not_found_page(request, "This application")
    form = AssignForm(request.POST)
    if form.is_valid():
        who = form.cleaned_data["reviewer"].strip()
        reviewer = user_by_name_or_email(text=who)
        if reviewer is None:
            form.add_error("reviewer", f"Nobody is called “{who}” here.")
        else:
            try:
                reviews.review_assign(
                    application=application, reviewer=reviewer, actor=request.user
                )
            except ApplicationError as error:
                form.add_error("reviewer" if error.field == "reviewer" else None, error.message)
            else:
                messages.success(
                    request, f"{reviewer.username} is asked to review it (e-mail sent)."
                )
                return redirect("page-application", pk=application.pk)
    return _detail(request, application, status=400, assign_form=form)


@login_required
@require_POST
def application_accept(request: HttpRequest, pk: int) -> HttpResponse:
    application = _staff_application(request, pk)
    if application is None:
        return not_found_page(request, "This application")
    form = DecisionForm(request.POST, application=application)
    if form.is_valid():
        data = form.cleaned_data
        try:
            proposal = services.application_accept_into_proposal(
                application=application,
                actor=request.user,
                approved_timerequest_ids=data["approved"],
                tac_rank=data["tac_rank"],
                tac_priority=data["tac_priority"],
            )
        except ApplicationError as error:
            form.add_error(
                {"tac_rank": "tac_rank", "timerequest_set": "approved"}.get(error.field),
                error.message,
            )
        else:
            messages.success(
                request,
                f"Accepted: the proposal {proposal.id} is created with its allocations, "
                "and the applicant is told by e-mail.",
            )
            return redirect("page-application", pk=application.pk)
    return _detail(request, application, status=400, decision_form=form)


@login_required
@require_POST
def application_reject(request: HttpRequest, pk: int) -> HttpResponse:
    application = _staff_application(request, pk)
    if application is None:
        return not_found_page(request, "This application")
    try:
        services.application_reject(application=application, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Rejected; the applicant is told by e-mail.")
    return redirect("page-application", pk=application.pk)


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "sciapplications/reviews.html", {"reviews": selectors.reviews_of(request.user)}
    )


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.reviews_of(request.user).filter(pk=pk).first()
    if review is None:
        return not_found_page(request, "This review")
    application = review.science_application
    form = GradeForm(initial={"grade": review.grade, "comments": review.comments})
    status = 200
    if request.method == "POST":
        form = GradeForm(request.POST)
        if form.is_valid():
            try:
                reviews.review_record(
                    review=review,
                    actor=request.user,
                    grade=form.cleaned_data["grade"],
                    comments=form.cleaned_data["comments"],
                )
            except ApplicationError as error:
                form.add_error("grade" if error.field == "grade" else None, error.message)
            else:
                messages.success(request, "Your grade and comments are recorded. Thank you.")
                return redirect("page-reviews")
        status = 400
    context = {
        **_detail_context(request, application),
        "review": review,
        "grade_form": form,
        "open": application.status == ScienceApplication.SUBMITTED,
    }
    return render(request, "sciapplications/review.html", context, status=status)


@login_required
@require_POST
def review_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    review = (
        Review.objects.select_related("reviewer").filter(pk=pk).first()
        if request.user.is_staff
        else None
    )
    if review is None:
        return not_found_page(request, "This review")
    try:
        reviews.review_unassign(review=review, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{review.reviewer.username} no longer reviews it.")
    return redirect("page-application", pk=review.science_application_id)
