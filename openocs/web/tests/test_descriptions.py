"""View docstrings read as prose: whole first paragraphs, code for literals, no § references."""

from __future__ import annotations

from rest_framework.views import APIView

from openocs.web.descriptions import paragraphs, summary, view_description


class _Airmass(APIView):
    """``POST /api/airmass/`` with a request body (§17.2); invalid bodies answer 200 with the
    errors, like the reference.

    Staff see every target (portal-api.md §6.1).
    """


def test_the_summary_is_the_whole_first_paragraph_without_section_numbers() -> None:
    text = summary(_Airmass.__doc__ or "")
    assert text == (
        "`POST /api/airmass/` with a request body; invalid bodies answer 200 with the errors, "
        "like the reference."
    )
    assert paragraphs(_Airmass.__doc__ or "")[1] == "Staff see every target."


def test_the_browsable_api_shows_html_prose_not_rest() -> None:
    rendered = view_description(_Airmass(), html_output=True)
    assert "<code>POST /api/airmass/</code>" in rendered
    assert "``" not in rendered
    assert "§" not in rendered
    assert rendered.count("<p>") == 2
    assert view_description(_Airmass()).startswith("`POST /api/airmass/`")
