"""Who may call what: every API route and page of every component × five roles
(docs/security.md).

The routes come from the URL resolver (drf-spectacular's endpoint enumerator, the same list the
OpenAPI schema is built from), so a route added without a row in :data:`MATRIX` fails the test.
Each call runs in a savepoint that is rolled back, so the calls are independent; a refused call
(401, 403, 404, 405) must not have written a single row.

Roles, in the order of each row: anonymous, a member (PI) of proposal A, a member of proposal B,
staff without ``staff_view``, staff with ``staff_view``. Path parameters name objects of
proposal A (its request group, request, observation, frame …) or of the shared network. Writes
send an empty JSON body, so an allowed write usually answers 400 (it got past the permission
check and failed validation) rather than changing anything.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import close_old_connections, connection, transaction
from django.test import Client
from django.urls import URLResolver, get_resolver
from drf_spectacular.generators import EndpointEnumerator
from rest_framework.test import APIClient
from rest_framework.views import APIView

from openocs.portal.conftest import (
    Persona,
    PersonaFactory,
    make_persona,  # noqa: F401  (fixture)
)
from openocs.portal.observations.tests.helpers import schedule, submit
from openocs.portal.proposals import services as proposal_services
from openocs.portal.proposals.models import Membership, Proposal
from openocs.portal.requestgroups.tests.conftest import (  # noqa: F401  (fixtures)
    SINISTRO,
    frozen_now,
    live_network,
)

DEMO_FRAME = "coj1m011-fl08-20151216-0049-b00.fits.fz"
ROLES = ("anonymous", "member_a", "member_b", "staff", "staff_view")
REFUSALS = {401, 403, 404, 405}

# "METHOD /path/": the statuses answered to anonymous, member_a, member_b, staff and staff_view,
# each followed by "*" when the answer shows proposal A's private data (its id or title, its
# frame, its member's webhook or science application) beyond what the URL itself names.
MATRIX: dict[str, str] = {
    "DELETE /api/drafts/{pk}/": "401 204 404 404 204",
    "DELETE /api/invitations/{pk}/": "401 204 404 404 403",
    "DELETE /api/memberships/{pk}/": "401 204 404 404 403",
    "DELETE /api/scienceapplications/{pk}/": "401 204 404 404 204",
    "DELETE /api/webhooks/{pk}/": "401 204 404 404 404",
    "DELETE /archive/frames/{pk}/": "401 403 403 403 403",
    "DELETE /configdb/cameras/{pk}/": "401 403 403 400 400",
    "DELETE /configdb/cameratypes/{pk}/": "401 403 403 400 400",
    "DELETE /configdb/configurationtypeproperties/{pk}/": "401 403 403 204 204",
    "DELETE /configdb/configurationtypes/{pk}/": "401 403 403 400 400",
    "DELETE /configdb/enclosures/{pk}/": "401 403 403 204 204",
    "DELETE /configdb/genericmodegroups/{pk}/": "401 403 403 204 204",
    "DELETE /configdb/genericmodes/{pk}/": "401 403 403 400 400",
    "DELETE /configdb/instrumentcategories/{pk}/": "401 403 403 400 400",
    "DELETE /configdb/instruments/{pk}/": "401 403 403 204 204",
    "DELETE /configdb/instrumenttypes/{pk}/": "401 403 403 400 400",
    "DELETE /configdb/opticalelementgroups/{pk}/": "401 403 403 204 204",
    "DELETE /configdb/opticalelements/{pk}/": "401 403 403 204 204",
    "DELETE /configdb/sites/{pk}/": "401 403 403 204 204",
    "DELETE /configdb/telescopes/{pk}/": "401 403 403 204 204",
    "DELETE /downtime/api/{pk}/": "401 403 403 204 204",
    "DELETE /frames/{pk}/": "401 403 403 403 403",
    "GET /api/calls/": "401 200 200 200 200",
    "GET /api/calls/{pk}/": "401 200 200 200 200",
    "GET /api/changes/": "401 403 403 200 200",
    "GET /api/configurationstatus/": "401 403 403 200 200",
    "GET /api/configurationstatus/{pk}/": "401 403 403 200 200",
    "GET /api/contention/{instrument_type}/": "200 200 200 200* 200*",
    "GET /api/drafts/": "401 200* 200 200 200*",
    "GET /api/drafts/{pk}/": "401 200* 404 404 200*",
    "GET /api/instruments/": "200 200 200 200 200",
    "GET /api/invitations/": "401 200* 200 200 200*",
    "GET /api/invitations/{pk}/": "401 200* 404 404 200*",
    "GET /api/last_changed/": "401 403 403 200 200",
    "GET /api/last_scheduled/": "401 403 403 200 200",
    "GET /api/memberships/": "401 200* 200 200 200*",
    "GET /api/memberships/{pk}/": "401 200* 404 404 200*",
    "GET /api/notifications/preferences/": "401 200 200 200 200",
    "GET /api/observations/": "200 200* 200 200 200*",
    "GET /api/observations/{pk}/": "404 200* 404 404 200*",
    "GET /api/pressure/": "200 200 200 200* 200*",
    "GET /api/profile/": "401 200* 200 200 200",
    "GET /api/proposals/": "401 200* 200 200 200*",
    "GET /api/proposals/tags/": "401 200 200 200 200",
    "GET /api/proposals/{pk}/": "401 200* 404 404 200*",
    "GET /api/requestgroups/": "200 200* 200 200 200*",
    "GET /api/requestgroups/schedulable_requests/": "401 403 403 200* 200*",
    "GET /api/requestgroups/{pk}/": "404 200* 404 404 200*",
    "GET /api/requests/": "200 200 200 200 200",
    "GET /api/requests/{pk}/": "404 200 404 404 200",
    "GET /api/requests/{pk}/airmass/": "404 200 404 404 200",
    "GET /api/requests/{pk}/observations/": "404 200 404 404 200",
    "GET /api/schedule/": "200 200* 200 200 200*",
    "GET /api/schedule/{pk}/": "404 200* 404 404 200*",
    "GET /api/scheduler/runs/": "401 403 403 200 200",
    "GET /api/scheduler/runs/{pk}/": "401 403 403 200 200",
    "GET /api/schema/": "200 200 200 200 200",
    "GET /api/scienceapplications/": "401 200* 200 200 200*",
    "GET /api/scienceapplications/{pk}/": "401 200* 404 404 200*",
    "GET /api/scienceapplications/{pk}/pdf/": "401 404 404 404 404",
    "GET /api/semesters/": "200 200 200 200 200",
    "GET /api/semesters/{pk}/": "200 200 200 200 200",
    "GET /api/semesters/{pk}/proposals/": "200* 200* 200* 200* 200*",
    "GET /api/semesters/{pk}/timeallocations/": "401 403 403 200* 200*",
    "GET /api/telescope_availability/": "200 200 200 200 200",
    "GET /api/telescope_states/": "200 200 200 200 200",
    "GET /api/webhooks/": "401 200* 200 200 200",
    "GET /api/webhooks/{pk}/": "401 200* 404 404 404",
    "GET /api/webhooks/{pk}/deliveries/": "401 200 404 404 404",
    "GET /archive/frame-catalog/{pk}/catalog/": "404 404 404 404 404",
    "GET /archive/frame-funpack/{pk}/funpack/": "404 200* 404 200* 200*",
    "GET /archive/frames/": "200 200* 200 200* 200*",
    "GET /archive/frames/aggregate/": "200 200* 200 200* 200*",
    "GET /archive/frames/{pk}/": "404 200* 404 200* 200*",
    "GET /archive/frames/{pk}/download/": "404 302 404 302 302",
    "GET /archive/frames/{pk}/headers/": "404 200 404 200 200",
    "GET /archive/frames/{pk}/related/": "404 200 404 200 200",
    "GET /archive/openapi/": "200 200 200 200 200",
    "GET /archive/profile/": "200 200* 200 200 200",
    "GET /archive/thumbnails/": "200 200* 200 200* 200*",
    "GET /archive/thumbnails/{pk}/": "404 200* 404 200* 200*",
    "GET /archive/versions/": "401 403 403 200* 200*",
    "GET /archive/versions/{pk}/": "401 403 403 200* 200*",
    "GET /configdb/api/availability_history/": "400 400 400 400 400",
    "GET /configdb/cameras/": "200 200 200 200 200",
    "GET /configdb/cameras/{pk}/": "200 200 200 200 200",
    "GET /configdb/cameratypes/": "200 200 200 200 200",
    "GET /configdb/cameratypes/{pk}/": "200 200 200 200 200",
    "GET /configdb/configurationtypeproperties/": "200 200 200 200 200",
    "GET /configdb/configurationtypeproperties/{pk}/": "200 200 200 200 200",
    "GET /configdb/configurationtypes/": "200 200 200 200 200",
    "GET /configdb/configurationtypes/{pk}/": "200 200 200 200 200",
    "GET /configdb/enclosures/": "200 200 200 200 200",
    "GET /configdb/enclosures/{pk}/": "200 200 200 200 200",
    "GET /configdb/genericmodegroups/": "200 200 200 200 200",
    "GET /configdb/genericmodegroups/{pk}/": "200 200 200 200 200",
    "GET /configdb/genericmodes/": "200 200 200 200 200",
    "GET /configdb/genericmodes/{pk}/": "200 200 200 200 200",
    "GET /configdb/instrumentcategories/": "200 200 200 200 200",
    "GET /configdb/instrumentcategories/{pk}/": "200 200 200 200 200",
    "GET /configdb/instruments/": "200 200 200 200 200",
    "GET /configdb/instruments/{pk}/": "200 200 200 200 200",
    "GET /configdb/instrumenttypes/": "200 200 200 200 200",
    "GET /configdb/instrumenttypes/{pk}/": "200 200 200 200 200",
    "GET /configdb/modetypes/": "200 200 200 200 200",
    "GET /configdb/modetypes/{pk}/": "200 200 200 200 200",
    "GET /configdb/openapi/": "200 200 200 200 200",
    "GET /configdb/opticalelementgroups/": "200 200 200 200 200",
    "GET /configdb/opticalelementgroups/{pk}/": "200 200 200 200 200",
    "GET /configdb/opticalelements/": "200 200 200 200 200",
    "GET /configdb/opticalelements/{pk}/": "200 200 200 200 200",
    "GET /configdb/sites/": "200 200 200 200 200",
    "GET /configdb/sites/{pk}/": "200 200 200 200 200",
    "GET /configdb/telescopes/": "200 200 200 200 200",
    "GET /configdb/telescopes/{pk}/": "200 200 200 200 200",
    "GET /downtime/api/": "200 200 200 200 200",
    "GET /downtime/api/categories/": "200 200 200 200 200",
    "GET /downtime/api/overlaps/": "400 400 400 400 400",
    "GET /downtime/api/{pk}/": "200 200 200 200 200",
    "GET /downtime/openapi/": "200 200 200 200 200",
    "GET /frames/": "200 200* 200 200* 200*",
    "GET /frames/aggregate/": "200 200* 200 200* 200*",
    "GET /frames/{pk}/": "404 200* 404 200* 200*",
    "GET /frames/{pk}/download/": "404 302 404 302 302",
    "GET /frames/{pk}/headers/": "404 200 404 200 200",
    "GET /frames/{pk}/related/": "404 200 404 200 200",
    "GET /openapi/": "200 200 200 200 200",
    "PATCH /api/configurationstatus/{pk}/": "401 403 403 200 200",
    "PATCH /api/drafts/{pk}/": "401 200* 404 404 200*",
    "PATCH /api/notifications/preferences/": "401 200 200 200 200",
    "PATCH /api/observations/{pk}/": "401 404 404 404 400",
    "PATCH /api/profile/": "401 200* 200 200 200",
    "PATCH /api/requests/{pk}/": "401 403 403 400 400",
    "PATCH /api/scienceapplications/{pk}/": "401 200* 404 404 200*",
    "PATCH /api/webhooks/{pk}/": "401 200* 404 404 404",
    "PATCH /archive/frames/{pk}/": "401 403 403 403 403",
    "PATCH /configdb/cameras/{pk}/": "401 403 403 200 200",
    "PATCH /configdb/cameratypes/{pk}/": "401 403 403 200 200",
    "PATCH /configdb/configurationtypeproperties/{pk}/": "401 403 403 200 200",
    "PATCH /configdb/configurationtypes/{pk}/": "401 403 403 200 200",
    "PATCH /configdb/enclosures/{pk}/": "401 403 403 200 200",
    "PATCH /configdb/genericmodegroups/{pk}/": "401 403 403 200 200",
    "PATCH /configdb/genericmodes/{pk}/": "401 403 403 200 200",
    "PATCH /configdb/instrumentcategories/{pk}/": "401 403 403 200 200",
    "PATCH /configdb/instruments/{pk}/": "401 403 403 200 200",
    "PATCH /configdb/instrumenttypes/{pk}/": "401 403 403 200 200",
    "PATCH /configdb/opticalelementgroups/{pk}/": "401 403 403 200 200",
    "PATCH /configdb/opticalelements/{pk}/": "401 403 403 200 200",
    "PATCH /configdb/sites/{pk}/": "401 403 403 200 200",
    "PATCH /configdb/telescopes/{pk}/": "401 403 403 200 200",
    "PATCH /downtime/api/{pk}/": "401 403 403 200 200",
    "PATCH /frames/{pk}/": "401 403 403 403 403",
    "POST /accounts/api-login/": "400 400 400 400 400",
    "POST /api/account_removal_request/": "401 400 400 400 400",
    "POST /api/airmass/": "200 200 200 200 200",
    "POST /api/api-token-auth/": "400 400 400 400 400",
    "POST /api/configurations/dither/": "401 400 400 400 400",
    "POST /api/drafts/": "401 400 400 400 400",
    "POST /api/memberships/{pk}/limit/": "401 400 404 404 403",
    "POST /api/observations/": "401 400 400 400 400",
    "POST /api/observations/cancel/": "401 400 400 400 400",
    "POST /api/profile/accept_terms/": "401 200 200 200 200",
    "POST /api/proposals/{pk}/globallimit/": "401 400 404 404 403",
    "POST /api/proposals/{pk}/invite/": "401 400 404 404 403",
    "POST /api/proposals/{pk}/notification/": "401 400 404 404 400",
    "POST /api/requestgroups/": "401 400 400 400 400",
    "POST /api/requestgroups/cadence/": "401 400 400 400 400",
    "POST /api/requestgroups/max_allowable_ipp/": "401 200 200 200 200",
    "POST /api/requestgroups/validate/": "401 200 200 200 200",
    "POST /api/requestgroups/{pk}/cancel/": "401 200* 404 404 200*",
    "POST /api/requests/mosaic/": "401 400 400 400 400",
    "POST /api/requests/{pk}/cancel/": "401 200 404 404 200",
    "POST /api/revoke_token/": "401 200 200 200 200",
    "POST /api/rotate_token/": "401 200 200 200 200",
    "POST /api/schedule/": "401 400 400 400 400",
    "POST /api/scheduler/runs/": "401 403 403 400 400",
    "POST /api/scienceapplications/": "401 400 400 400 400",
    "POST /api/scienceapplications/{pk}/accept/": "401 403 403 400 400",
    "POST /api/scienceapplications/{pk}/copy/": "401 201* 404 404 201*",
    "POST /api/scienceapplications/{pk}/port/": "401 403 403 400 400",
    "POST /api/scienceapplications/{pk}/reject/": "401 403 403 400 400",
    "POST /api/telescope_states/": "401 403 403 400 400",
    "POST /api/users-bulk/": "401 400 400 400 400",
    "POST /api/webhooks/": "401 400 400 400 400",
    "POST /archive/api-token-auth/": "400 200 200 200 200",
    "POST /archive/authprofile/addupdateuser/": "403 403 403 403 403",
    "POST /archive/frames/": "401 403 403 403 403",
    "POST /archive/frames/zip/": "400 400 400 400 400",
    "POST /archive/revoke_token/": "401 200 200 200 200",
    "POST /archive/thumbnails/": "401 403 403 403 403",
    "POST /archive/versions/exists/": "401 403 403 200 200",
    "POST /configdb/cameras/": "401 403 403 400 400",
    "POST /configdb/cameratypes/": "401 403 403 400 400",
    "POST /configdb/configurationtypeproperties/": "401 403 403 400 400",
    "POST /configdb/configurationtypes/": "401 403 403 400 400",
    "POST /configdb/enclosures/": "401 403 403 400 400",
    "POST /configdb/genericmodegroups/": "401 403 403 400 400",
    "POST /configdb/genericmodes/": "401 403 403 400 400",
    "POST /configdb/import/": "401 403 403 400 400",
    "POST /configdb/instrumentcategories/": "401 403 403 400 400",
    "POST /configdb/instruments/": "401 403 403 400 400",
    "POST /configdb/instrumenttypes/": "401 403 403 400 400",
    "POST /configdb/opticalelementgroups/": "401 403 403 400 400",
    "POST /configdb/opticalelements/": "401 403 403 400 400",
    "POST /configdb/sites/": "401 403 403 400 400",
    "POST /configdb/telescopes/": "401 403 403 400 400",
    "POST /downtime/api/": "401 403 403 400 400",
    "POST /frames/": "401 403 403 403 403",
    "POST /frames/zip/": "400 400 400 400 400",
    "PUT /api/drafts/{pk}/": "401 400 404 404 400",
    "PUT /api/profile/": "401 200* 200 200 200",
    "PUT /api/scienceapplications/{pk}/": "401 400 404 404 400",
    "PUT /api/webhooks/{pk}/": "401 400 404 404 404",
    "PUT /archive/frames/{pk}/": "401 403 403 403 403",
    "PUT /configdb/cameras/{pk}/": "401 403 403 400 400",
    "PUT /configdb/cameratypes/{pk}/": "401 403 403 400 400",
    "PUT /configdb/configurationtypeproperties/{pk}/": "401 403 403 400 400",
    "PUT /configdb/configurationtypes/{pk}/": "401 403 403 400 400",
    "PUT /configdb/enclosures/{pk}/": "401 403 403 400 400",
    "PUT /configdb/genericmodegroups/{pk}/": "401 403 403 400 400",
    "PUT /configdb/genericmodes/{pk}/": "401 403 403 400 400",
    "PUT /configdb/instrumentcategories/{pk}/": "401 403 403 400 400",
    "PUT /configdb/instruments/{pk}/": "401 403 403 400 400",
    "PUT /configdb/instrumenttypes/{pk}/": "401 403 403 400 400",
    "PUT /configdb/opticalelementgroups/{pk}/": "401 403 403 400 400",
    "PUT /configdb/opticalelements/{pk}/": "401 403 403 400 400",
    "PUT /configdb/sites/{pk}/": "401 403 403 400 400",
    "PUT /configdb/telescopes/{pk}/": "401 403 403 400 400",
    "PUT /downtime/api/{pk}/": "401 403 403 400 400",
    "PUT /frames/{pk}/": "401 403 403 403 403",
}

# The same for every Django view that is not an API view (signed in with a session), GET and POST
# (empty form): the components' pages, the admin (staff without model permissions get 403; no
# role here is a superuser), the OAuth2 provider (/o/), the health probes and the API documentation.
# In the proposal cycle's pages, member A applied, member B reviews it and staff are the committee.
PAGES: dict[str, str] = {
    "GET /": "200 200* 200 200 200*",
    "GET /accounts/activate/resend/": "200 200 200 200 200",
    "GET /accounts/activate/{token}/": "400 400 400 400 400",
    "GET /accounts/login/": "200 200 200 200 200",
    "GET /accounts/logout/": "405 405 405 405 405",
    "GET /accounts/password_change/": "302 200 200 200 200",
    "GET /accounts/password_change/done/": "302 200 200 200 200",
    "GET /accounts/password_reset/": "200 200 200 200 200",
    "GET /accounts/password_reset/done/": "200 200 200 200 200",
    "GET /accounts/register/": "200 200 200 200 200",
    "GET /accounts/register/done/": "200 200 200 200 200",
    "GET /accounts/reset/done/": "200 200 200 200 200",
    "GET /accounts/reset/{uidb64}/{token}/": "200 200 200 200 200",
    "GET /admin/": "302 302 302 200 200",
    "GET /admin/accounts/profile/": "302 302 302 403 403",
    "GET /admin/accounts/profile/add/": "302 302 302 403 403",
    "GET /admin/accounts/profile/{object_id}/": "302 302 302 302 302",
    "GET /admin/accounts/profile/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/accounts/profile/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/accounts/profile/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/archive/frame/": "302 302 302 403 403",
    "GET /admin/archive/frame/add/": "302 302 302 403 403",
    "GET /admin/archive/frame/{object_id}/": "302 302 302 302 302",
    "GET /admin/archive/frame/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/archive/frame/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/archive/frame/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/archive/version/": "302 302 302 403 403",
    "GET /admin/archive/version/add/": "302 302 302 403 403",
    "GET /admin/archive/version/{object_id}/": "302 302 302 302 302",
    "GET /admin/archive/version/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/archive/version/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/archive/version/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/auth/group/": "302 302 302 403 403",
    "GET /admin/auth/group/add/": "302 302 302 403 403",
    "GET /admin/auth/group/{object_id}/": "302 302 302 302 302",
    "GET /admin/auth/group/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/auth/group/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/auth/group/{object_id}/history/": "302 302 302 302 302",
    "GET /admin/auth/user/": "302 302 302 403 403",
    "GET /admin/auth/user/add/": "302 302 302 403 403",
    "GET /admin/auth/user/{id}/password/": "302 302 302 403 403",
    "GET /admin/auth/user/{object_id}/": "302 302 302 302 302",
    "GET /admin/auth/user/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/auth/user/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/auth/user/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/authtoken/tokenproxy/": "302 302 302 403 403",
    "GET /admin/authtoken/tokenproxy/add/": "302 302 302 403 403",
    "GET /admin/authtoken/tokenproxy/{object_id}/": "302 302 302 302 302",
    "GET /admin/authtoken/tokenproxy/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/authtoken/tokenproxy/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/authtoken/tokenproxy/{object_id}/history/": "302 302 302 302 302",
    "GET /admin/autocomplete/": "302 302 302 403 403",
    "GET /admin/configdb/camera/": "302 302 302 403 403",
    "GET /admin/configdb/camera/add/": "302 302 302 403 403",
    "GET /admin/configdb/camera/{object_id}/": "302 302 302 302 302",
    "GET /admin/configdb/camera/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/configdb/camera/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/configdb/camera/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/configdb/cameratype/": "302 302 302 403 403",
    "GET /admin/configdb/cameratype/add/": "302 302 302 403 403",
    "GET /admin/configdb/cameratype/{object_id}/": "302 302 302 302 302",
    "GET /admin/configdb/cameratype/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/configdb/cameratype/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/configdb/cameratype/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/configdb/changerecord/": "302 302 302 403 403",
    "GET /admin/configdb/changerecord/add/": "302 302 302 403 403",
    "GET /admin/configdb/changerecord/{object_id}/": "302 302 302 302 302",
    "GET /admin/configdb/changerecord/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/configdb/changerecord/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/configdb/changerecord/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/configdb/configurationtype/": "302 302 302 403 403",
    "GET /admin/configdb/configurationtype/add/": "302 302 302 403 403",
    "GET /admin/configdb/configurationtype/{object_id}/": "302 302 302 302 302",
    "GET /admin/configdb/configurationtype/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/configdb/configurationtype/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/configdb/configurationtype/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/configdb/configurationtypeproperties/": "302 302 302 403 403",
    "GET /admin/configdb/configurationtypeproperties/add/": "302 302 302 403 403",
    "GET /admin/configdb/configurationtypeproperties/{object_id}/": "302 302 302 302 302",
    "GET /admin/configdb/configurationtypeproperties/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/configdb/configurationtypeproperties/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/configdb/configurationtypeproperties/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/configdb/enclosure/": "302 302 302 403 403",
    "GET /admin/configdb/enclosure/add/": "302 302 302 403 403",
    "GET /admin/configdb/enclosure/{object_id}/": "302 302 302 302 302",
    "GET /admin/configdb/enclosure/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/configdb/enclosure/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/configdb/enclosure/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/configdb/genericmode/": "302 302 302 403 403",
    "GET /admin/configdb/genericmode/add/": "302 302 302 403 403",
    "GET /admin/configdb/genericmode/{object_id}/": "302 302 302 302 302",
    "GET /admin/configdb/genericmode/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/configdb/genericmode/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/configdb/genericmode/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/configdb/genericmodegroup/": "302 302 302 403 403",
    "GET /admin/configdb/genericmodegroup/add/": "302 302 302 403 403",
    "GET /admin/configdb/genericmodegroup/{object_id}/": "302 302 302 302 302",
    "GET /admin/configdb/genericmodegroup/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/configdb/genericmodegroup/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/configdb/genericmodegroup/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/configdb/instrument/": "302 302 302 403 403",
    "GET /admin/configdb/instrument/add/": "302 302 302 403 403",
    "GET /admin/configdb/instrument/{object_id}/": "302 302 302 302 302",
    "GET /admin/configdb/instrument/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/configdb/instrument/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/configdb/instrument/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/configdb/instrumentcategory/": "302 302 302 403 403",
    "GET /admin/configdb/instrumentcategory/add/": "302 302 302 403 403",
    "GET /admin/configdb/instrumentcategory/{object_id}/": "302 302 302 302 302",
    "GET /admin/configdb/instrumentcategory/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/configdb/instrumentcategory/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/configdb/instrumentcategory/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/configdb/instrumenttype/": "302 302 302 403 403",
    "GET /admin/configdb/instrumenttype/add/": "302 302 302 403 403",
    "GET /admin/configdb/instrumenttype/{object_id}/": "302 302 302 302 302",
    "GET /admin/configdb/instrumenttype/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/configdb/instrumenttype/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/configdb/instrumenttype/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/configdb/modetype/": "302 302 302 403 403",
    "GET /admin/configdb/modetype/add/": "302 302 302 403 403",
    "GET /admin/configdb/modetype/{object_id}/": "302 302 302 302 302",
    "GET /admin/configdb/modetype/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/configdb/modetype/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/configdb/modetype/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/configdb/opticalelement/": "302 302 302 403 403",
    "GET /admin/configdb/opticalelement/add/": "302 302 302 403 403",
    "GET /admin/configdb/opticalelement/{object_id}/": "302 302 302 302 302",
    "GET /admin/configdb/opticalelement/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/configdb/opticalelement/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/configdb/opticalelement/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/configdb/opticalelementgroup/": "302 302 302 403 403",
    "GET /admin/configdb/opticalelementgroup/add/": "302 302 302 403 403",
    "GET /admin/configdb/opticalelementgroup/{object_id}/": "302 302 302 302 302",
    "GET /admin/configdb/opticalelementgroup/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/configdb/opticalelementgroup/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/configdb/opticalelementgroup/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/configdb/site/": "302 302 302 403 403",
    "GET /admin/configdb/site/add/": "302 302 302 403 403",
    "GET /admin/configdb/site/{object_id}/": "302 302 302 302 302",
    "GET /admin/configdb/site/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/configdb/site/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/configdb/site/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/configdb/telescope/": "302 302 302 403 403",
    "GET /admin/configdb/telescope/add/": "302 302 302 403 403",
    "GET /admin/configdb/telescope/{object_id}/": "302 302 302 302 302",
    "GET /admin/configdb/telescope/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/configdb/telescope/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/configdb/telescope/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/downtime/downtime/": "302 302 302 403 403",
    "GET /admin/downtime/downtime/add/": "302 302 302 403 403",
    "GET /admin/downtime/downtime/{object_id}/": "302 302 302 302 302",
    "GET /admin/downtime/downtime/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/downtime/downtime/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/downtime/downtime/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/downtime/downtimecategory/": "302 302 302 403 403",
    "GET /admin/downtime/downtimecategory/add/": "302 302 302 403 403",
    "GET /admin/downtime/downtimecategory/{object_id}/": "302 302 302 302 302",
    "GET /admin/downtime/downtimecategory/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/downtime/downtimecategory/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/downtime/downtimecategory/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/jsi18n/": "302 302 302 200 200",
    "GET /admin/login/": "200 200 200 302 302",
    "GET /admin/logout/": "302 302 302 405 405",
    "GET /admin/oauth2_provider/accesstoken/": "302 302 302 403 403",
    "GET /admin/oauth2_provider/accesstoken/add/": "302 302 302 403 403",
    "GET /admin/oauth2_provider/accesstoken/{object_id}/": "302 302 302 302 302",
    "GET /admin/oauth2_provider/accesstoken/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/oauth2_provider/accesstoken/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/oauth2_provider/accesstoken/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/oauth2_provider/application/": "302 302 302 403 403",
    "GET /admin/oauth2_provider/application/add/": "302 302 302 403 403",
    "GET /admin/oauth2_provider/application/{object_id}/": "302 302 302 302 302",
    "GET /admin/oauth2_provider/application/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/oauth2_provider/application/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/oauth2_provider/application/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/oauth2_provider/grant/": "302 302 302 403 403",
    "GET /admin/oauth2_provider/grant/add/": "302 302 302 403 403",
    "GET /admin/oauth2_provider/grant/{object_id}/": "302 302 302 302 302",
    "GET /admin/oauth2_provider/grant/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/oauth2_provider/grant/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/oauth2_provider/grant/{object_id}/history/": "302 302 302 302 302",
    "GET /admin/oauth2_provider/idtoken/": "302 302 302 403 403",
    "GET /admin/oauth2_provider/idtoken/add/": "302 302 302 403 403",
    "GET /admin/oauth2_provider/idtoken/{object_id}/": "302 302 302 302 302",
    "GET /admin/oauth2_provider/idtoken/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/oauth2_provider/idtoken/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/oauth2_provider/idtoken/{object_id}/history/": "302 302 302 302 302",
    "GET /admin/oauth2_provider/refreshtoken/": "302 302 302 403 403",
    "GET /admin/oauth2_provider/refreshtoken/add/": "302 302 302 403 403",
    "GET /admin/oauth2_provider/refreshtoken/{object_id}/": "302 302 302 302 302",
    "GET /admin/oauth2_provider/refreshtoken/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/oauth2_provider/refreshtoken/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/oauth2_provider/refreshtoken/{object_id}/history/": "302 302 302 302 302",
    "GET /admin/observations/observation/": "302 302 302 403 403",
    "GET /admin/observations/observation/add/": "302 302 302 403 403",
    "GET /admin/observations/observation/{object_id}/": "302 302 302 302 302",
    "GET /admin/observations/observation/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/observations/observation/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/observations/observation/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/password_change/": "302 302 302 200 200",
    "GET /admin/password_change/done/": "302 302 302 200 200",
    "GET /admin/proposals/allocationledgerentry/": "302 302 302 403 403",
    "GET /admin/proposals/allocationledgerentry/add/": "302 302 302 403 403",
    "GET /admin/proposals/allocationledgerentry/{object_id}/": "302 302 302 302 302",
    "GET /admin/proposals/allocationledgerentry/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/proposals/allocationledgerentry/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/proposals/allocationledgerentry/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/proposals/proposal/": "302 302 302 403 403",
    "GET /admin/proposals/proposal/add/": "302 302 302 403 403",
    "GET /admin/proposals/proposal/import-csv/": "302 302 302 302 302",
    "GET /admin/proposals/proposal/{object_id}/": "302 302 302 302 302",
    "GET /admin/proposals/proposal/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/proposals/proposal/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/proposals/proposal/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/proposals/proposalinvite/": "302 302 302 403 403",
    "GET /admin/proposals/proposalinvite/add/": "302 302 302 403 403",
    "GET /admin/proposals/proposalinvite/{object_id}/": "302 302 302 302 302",
    "GET /admin/proposals/proposalinvite/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/proposals/proposalinvite/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/proposals/proposalinvite/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/proposals/sciencecollaboration/": "302 302 302 403 403",
    "GET /admin/proposals/sciencecollaboration/add/": "302 302 302 403 403",
    "GET /admin/proposals/sciencecollaboration/{object_id}/": "302 302 302 302 302",
    "GET /admin/proposals/sciencecollaboration/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/proposals/sciencecollaboration/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/proposals/sciencecollaboration/{object_id}/history/": "302 302 302 302 302",
    "GET /admin/proposals/semester/": "302 302 302 403 403",
    "GET /admin/proposals/semester/add/": "302 302 302 403 403",
    "GET /admin/proposals/semester/{object_id}/": "302 302 302 302 302",
    "GET /admin/proposals/semester/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/proposals/semester/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/proposals/semester/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/proposals/timeallocation/": "302 302 302 403 403",
    "GET /admin/proposals/timeallocation/add/": "302 302 302 403 403",
    "GET /admin/proposals/timeallocation/{object_id}/": "302 302 302 302 302",
    "GET /admin/proposals/timeallocation/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/proposals/timeallocation/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/proposals/timeallocation/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/r/{content_type_id}/{object_id}/": "302 302 302 404 404",
    "GET /admin/requestgroups/request/": "302 302 302 403 403",
    "GET /admin/requestgroups/request/add/": "302 302 302 403 403",
    "GET /admin/requestgroups/request/{object_id}/": "302 302 302 302 302",
    "GET /admin/requestgroups/request/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/requestgroups/request/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/requestgroups/request/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/requestgroups/requestgroup/": "302 302 302 403 403",
    "GET /admin/requestgroups/requestgroup/add/": "302 302 302 403 403",
    "GET /admin/requestgroups/requestgroup/{object_id}/": "302 302 302 302 302",
    "GET /admin/requestgroups/requestgroup/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/requestgroups/requestgroup/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/requestgroups/requestgroup/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/sciapplications/call/": "302 302 302 403 403",
    "GET /admin/sciapplications/call/add/": "302 302 302 403 403",
    "GET /admin/sciapplications/call/{object_id}/": "302 302 302 302 302",
    "GET /admin/sciapplications/call/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/sciapplications/call/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/sciapplications/call/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/sciapplications/scienceapplication/": "302 302 302 403 403",
    "GET /admin/sciapplications/scienceapplication/add/": "302 302 302 403 403",
    "GET /admin/sciapplications/scienceapplication/{object_id}/": "302 302 302 302 302",
    "GET /admin/sciapplications/scienceapplication/{object_id}/change/": "302 302 302 403 403",
    "GET /admin/sciapplications/scienceapplication/{object_id}/delete/": "302 302 302 403 403",
    "GET /admin/sciapplications/scienceapplication/{object_id}/history/": "302 302 302 403 403",
    "GET /admin/{app_label}/": "302 302 302 404 404",
    "GET /admin/{url}": "302 302 302 404 404",
    "GET /api/schema/redoc/": "200 200 200 200 200",
    "GET /api/schema/swagger-ui/": "200 200 200 200 200",
    "GET /applications/": "302 200* 200 200 200",
    "GET /applications/new": "302 302 302 302 302",
    "GET /applications/{pk}/": "302 200* 200* 200* 200*",
    "GET /applications/{pk}/accept": "302 405 405 405 405",
    "GET /applications/{pk}/delete": "302 405 405 405 405",
    "GET /applications/{pk}/pdf": "302 200 200 200 200",
    "GET /applications/{pk}/reject": "302 405 405 405 405",
    "GET /applications/{pk}/reviewers": "302 405 405 405 405",
    "GET /archive": "200 200* 200 200* 200*",
    "GET /archive/": "200 200* 200 200* 200*",
    "GET /archive/download-script/": "405 405 405 405 405",
    "GET /archive/files/{path}": "404 404 404 404 404",
    "GET /archive/frame/{pk}/": "404 200* 404 200* 200*",
    "GET /archive/health/": "200 200 200 200 200",
    "GET /archive/redoc/": "200 200 200 200 200",
    "GET /calls/": "302 200 200 200 200",
    "GET /calls/{pk}/ranking": "302 404 404 200* 200*",
    "GET /configdb": "200 200 200 200 200",
    "GET /configdb/": "200 200 200 200 200",
    "GET /configdb/health/": "200 200 200 200 200",
    "GET /configdb/network/": "302 404 404 200 200",
    "GET /configdb/redoc/": "200 200 200 200 200",
    "GET /create/": "302 200* 200 200 200",
    "GET /create/draft": "302 405 405 405 405",
    "GET /create/form": "302 405 405 405 405",
    "GET /create/pattern": "302 405 405 405 405",
    "GET /create/resolve": "302 404 404 404 404",
    "GET /create/validate": "302 405 405 405 405",
    "GET /create/visibility": "302 405 405 405 405",
    "GET /downtime": "200 200 200 200 200",
    "GET /downtime/": "200 200 200 200 200",
    "GET /downtime/api/calendar.ics/": "200 200 200 200 200",
    "GET /downtime/health/": "200 200 200 200 200",
    "GET /downtime/new/": "302 403 403 200 200",
    "GET /downtime/redoc/": "200 200 200 200 200",
    "GET /downtime/timeline/": "200 200 200 200 200",
    "GET /downtime/{pk}/delete/": "302 403 403 200 200",
    "GET /downtime/{pk}/edit/": "302 403 403 200 200",
    "GET /health/": "200 200 200 200 200",
    "GET /metrics/": "200 200 200 200 200",
    "GET /network/": "302 404 404 200 200*",
    "GET /o/.well-known/jwks.json": "404 404 404 404 404",
    "GET /o/.well-known/oauth-authorization-server": "200 200 200 200 200",
    "GET /o/.well-known/oauth-authorization-server/{issuer_path}": "200 200 200 200 200",
    "GET /o/.well-known/oauth-protected-resource": "200 200 200 200 200",
    "GET /o/.well-known/oauth-protected-resource/{resource_path}": "200 200 200 200 200",
    "GET /o/.well-known/openid-configuration/": "404 404 404 404 404",
    "GET /o/applications/": "302 200 200 200 200",
    "GET /o/applications/register/": "302 200 200 200 200",
    "GET /o/applications/{pk}/": "302 404 404 404 404",
    "GET /o/applications/{pk}/delete/": "302 404 404 404 404",
    "GET /o/applications/{pk}/update/": "302 404 404 404 404",
    "GET /o/authorize/": "302 400 400 400 400",
    "GET /o/authorized_tokens/": "302 200 200 200 200",
    "GET /o/authorized_tokens/{pk}/delete/": "302 404 404 404 404",
    "GET /o/device-authorization/": "405 405 405 405 405",
    "GET /o/device-confirm/{client_id}/{user_code}": "302 404 404 404 404",
    "GET /o/device-grant-status/{client_id}/{user_code}": "302 404 404 404 404",
    "GET /o/device/": "302 200 200 200 200",
    "GET /o/introspect/": "403 403 403 403 403",
    "GET /o/logout/": "404 404 404 404 404",
    "GET /o/register/": "404 404 404 404 404",
    "GET /o/register/{client_id}/": "404 404 404 404 404",
    "GET /o/revoke_token/": "405 405 405 405 405",
    "GET /o/token/": "405 405 405 405 405",
    "GET /o/userinfo/": "404 404 404 404 404",
    "GET /profile": "302 200* 200 200 200",
    "GET /profile/": "302 200* 200 200 200",
    "GET /profile/notifications": "302 405 405 405 405",
    "GET /profile/token/rotate": "302 405 405 405 405",
    "GET /profile/webhooks": "302 405 405 405 405",
    "GET /profile/webhooks/{pk}/delete": "302 405 405 405 405",
    "GET /proposals/{proposal_id}": "302 200* 404 404 200*",
    "GET /proposals/{proposal_id}/": "302 200* 404 404 200*",
    "GET /proposals/{proposal_id}/invitations/{invitation_id}/withdraw": "302 405 405 405 405",
    "GET /proposals/{proposal_id}/invite": "302 405 405 405 405",
    "GET /proposals/{proposal_id}/limit": "302 405 405 405 405",
    "GET /proposals/{proposal_id}/members/{membership_id}/limit": "302 405 405 405 405",
    "GET /proposals/{proposal_id}/members/{membership_id}/remove": "302 405 405 405 405",
    "GET /proposals/{proposal_id}/notifications": "302 405 405 405 405",
    "GET /redoc/": "200 200 200 200 200",
    "GET /requestgroups": "302 200* 200 200 200*",
    "GET /requestgroups/": "302 200* 200 200 200*",
    "GET /requestgroups/{pk}": "302 200* 404 404 200*",
    "GET /requestgroups/{pk}/": "302 200* 404 404 200*",
    "GET /requestgroups/{pk}/cancel": "302 200 404 404 200",
    "GET /requestgroups/{pk}/cancel/": "302 200 404 404 200",
    "GET /requests": "302 200* 200 200 200*",
    "GET /requests/": "302 200* 200 200 200*",
    "GET /requests/{pk}": "302 200* 404 404 200*",
    "GET /requests/{pk}/": "302 200* 404 404 200*",
    "GET /requests/{pk}/airmass": "302 200 404 404 200",
    "GET /requests/{pk}/airmass/": "302 200 404 404 200",
    "GET /requests/{pk}/cancel": "302 200 404 404 200",
    "GET /requests/{pk}/cancel/": "302 200 404 404 200",
    "GET /reviews/": "302 200 200* 200 200",
    "GET /reviews/{pk}/": "302 404 200* 404 404",
    "GET /reviews/{pk}/withdraw": "302 405 405 405 405",
    "GET /scheduler/": "302 404 404 200 200",
    "GET /scheduler/runs/{pk}/": "302 404 404 200 200*",
    "GET /telescopes": "200 200 200 200 200",
    "GET /telescopes/": "200 200 200 200 200",
    "GET /tools": "200 200 200 200* 200*",
    "GET /tools/": "200 200 200 200* 200*",
    "GET /zpages/health/": "200 200 200 200 200",
    "POST /": "200 200* 200 200 200*",
    "POST /accounts/activate/resend/": "200 200 200 200 200",
    "POST /accounts/activate/{token}/": "400 400 400 400 400",
    "POST /accounts/login/": "200 200 200 200 200",
    "POST /accounts/logout/": "302 302 302 302 302",
    "POST /accounts/password_change/": "302 200 200 200 200",
    "POST /accounts/password_change/done/": "302 405 405 405 405",
    "POST /accounts/password_reset/": "200 200 200 200 200",
    "POST /accounts/password_reset/done/": "405 405 405 405 405",
    "POST /accounts/register/": "200 200 200 200 200",
    "POST /accounts/register/done/": "405 405 405 405 405",
    "POST /accounts/reset/done/": "405 405 405 405 405",
    "POST /accounts/reset/{uidb64}/{token}/": "200 200 200 200 200",
    "POST /admin/": "302 302 302 200 200",
    "POST /admin/accounts/profile/": "302 302 302 403 403",
    "POST /admin/accounts/profile/add/": "302 302 302 403 403",
    "POST /admin/accounts/profile/{object_id}/": "302 302 302 302 302",
    "POST /admin/accounts/profile/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/accounts/profile/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/accounts/profile/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/archive/frame/": "302 302 302 403 403",
    "POST /admin/archive/frame/add/": "302 302 302 403 403",
    "POST /admin/archive/frame/{object_id}/": "302 302 302 302 302",
    "POST /admin/archive/frame/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/archive/frame/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/archive/frame/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/archive/version/": "302 302 302 403 403",
    "POST /admin/archive/version/add/": "302 302 302 403 403",
    "POST /admin/archive/version/{object_id}/": "302 302 302 302 302",
    "POST /admin/archive/version/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/archive/version/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/archive/version/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/auth/group/": "302 302 302 403 403",
    "POST /admin/auth/group/add/": "302 302 302 403 403",
    "POST /admin/auth/group/{object_id}/": "302 302 302 302 302",
    "POST /admin/auth/group/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/auth/group/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/auth/group/{object_id}/history/": "302 302 302 302 302",
    "POST /admin/auth/user/": "302 302 302 403 403",
    "POST /admin/auth/user/add/": "302 302 302 403 403",
    "POST /admin/auth/user/{id}/password/": "302 302 302 403 403",
    "POST /admin/auth/user/{object_id}/": "302 302 302 302 302",
    "POST /admin/auth/user/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/auth/user/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/auth/user/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/authtoken/tokenproxy/": "302 302 302 403 403",
    "POST /admin/authtoken/tokenproxy/add/": "302 302 302 403 403",
    "POST /admin/authtoken/tokenproxy/{object_id}/": "302 302 302 302 302",
    "POST /admin/authtoken/tokenproxy/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/authtoken/tokenproxy/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/authtoken/tokenproxy/{object_id}/history/": "302 302 302 302 302",
    "POST /admin/autocomplete/": "302 302 302 405 405",
    "POST /admin/configdb/camera/": "302 302 302 403 403",
    "POST /admin/configdb/camera/add/": "302 302 302 403 403",
    "POST /admin/configdb/camera/{object_id}/": "302 302 302 302 302",
    "POST /admin/configdb/camera/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/configdb/camera/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/configdb/camera/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/configdb/cameratype/": "302 302 302 403 403",
    "POST /admin/configdb/cameratype/add/": "302 302 302 403 403",
    "POST /admin/configdb/cameratype/{object_id}/": "302 302 302 302 302",
    "POST /admin/configdb/cameratype/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/configdb/cameratype/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/configdb/cameratype/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/configdb/changerecord/": "302 302 302 403 403",
    "POST /admin/configdb/changerecord/add/": "302 302 302 403 403",
    "POST /admin/configdb/changerecord/{object_id}/": "302 302 302 302 302",
    "POST /admin/configdb/changerecord/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/configdb/changerecord/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/configdb/changerecord/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/configdb/configurationtype/": "302 302 302 403 403",
    "POST /admin/configdb/configurationtype/add/": "302 302 302 403 403",
    "POST /admin/configdb/configurationtype/{object_id}/": "302 302 302 302 302",
    "POST /admin/configdb/configurationtype/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/configdb/configurationtype/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/configdb/configurationtype/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/configdb/configurationtypeproperties/": "302 302 302 403 403",
    "POST /admin/configdb/configurationtypeproperties/add/": "302 302 302 403 403",
    "POST /admin/configdb/configurationtypeproperties/{object_id}/": "302 302 302 302 302",
    "POST /admin/configdb/configurationtypeproperties/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/configdb/configurationtypeproperties/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/configdb/configurationtypeproperties/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/configdb/enclosure/": "302 302 302 403 403",
    "POST /admin/configdb/enclosure/add/": "302 302 302 403 403",
    "POST /admin/configdb/enclosure/{object_id}/": "302 302 302 302 302",
    "POST /admin/configdb/enclosure/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/configdb/enclosure/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/configdb/enclosure/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/configdb/genericmode/": "302 302 302 403 403",
    "POST /admin/configdb/genericmode/add/": "302 302 302 403 403",
    "POST /admin/configdb/genericmode/{object_id}/": "302 302 302 302 302",
    "POST /admin/configdb/genericmode/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/configdb/genericmode/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/configdb/genericmode/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/configdb/genericmodegroup/": "302 302 302 403 403",
    "POST /admin/configdb/genericmodegroup/add/": "302 302 302 403 403",
    "POST /admin/configdb/genericmodegroup/{object_id}/": "302 302 302 302 302",
    "POST /admin/configdb/genericmodegroup/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/configdb/genericmodegroup/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/configdb/genericmodegroup/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/configdb/instrument/": "302 302 302 403 403",
    "POST /admin/configdb/instrument/add/": "302 302 302 403 403",
    "POST /admin/configdb/instrument/{object_id}/": "302 302 302 302 302",
    "POST /admin/configdb/instrument/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/configdb/instrument/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/configdb/instrument/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/configdb/instrumentcategory/": "302 302 302 403 403",
    "POST /admin/configdb/instrumentcategory/add/": "302 302 302 403 403",
    "POST /admin/configdb/instrumentcategory/{object_id}/": "302 302 302 302 302",
    "POST /admin/configdb/instrumentcategory/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/configdb/instrumentcategory/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/configdb/instrumentcategory/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/configdb/instrumenttype/": "302 302 302 403 403",
    "POST /admin/configdb/instrumenttype/add/": "302 302 302 403 403",
    "POST /admin/configdb/instrumenttype/{object_id}/": "302 302 302 302 302",
    "POST /admin/configdb/instrumenttype/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/configdb/instrumenttype/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/configdb/instrumenttype/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/configdb/modetype/": "302 302 302 403 403",
    "POST /admin/configdb/modetype/add/": "302 302 302 403 403",
    "POST /admin/configdb/modetype/{object_id}/": "302 302 302 302 302",
    "POST /admin/configdb/modetype/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/configdb/modetype/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/configdb/modetype/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/configdb/opticalelement/": "302 302 302 403 403",
    "POST /admin/configdb/opticalelement/add/": "302 302 302 403 403",
    "POST /admin/configdb/opticalelement/{object_id}/": "302 302 302 302 302",
    "POST /admin/configdb/opticalelement/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/configdb/opticalelement/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/configdb/opticalelement/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/configdb/opticalelementgroup/": "302 302 302 403 403",
    "POST /admin/configdb/opticalelementgroup/add/": "302 302 302 403 403",
    "POST /admin/configdb/opticalelementgroup/{object_id}/": "302 302 302 302 302",
    "POST /admin/configdb/opticalelementgroup/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/configdb/opticalelementgroup/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/configdb/opticalelementgroup/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/configdb/site/": "302 302 302 403 403",
    "POST /admin/configdb/site/add/": "302 302 302 403 403",
    "POST /admin/configdb/site/{object_id}/": "302 302 302 302 302",
    "POST /admin/configdb/site/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/configdb/site/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/configdb/site/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/configdb/telescope/": "302 302 302 403 403",
    "POST /admin/configdb/telescope/add/": "302 302 302 403 403",
    "POST /admin/configdb/telescope/{object_id}/": "302 302 302 302 302",
    "POST /admin/configdb/telescope/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/configdb/telescope/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/configdb/telescope/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/downtime/downtime/": "302 302 302 403 403",
    "POST /admin/downtime/downtime/add/": "302 302 302 403 403",
    "POST /admin/downtime/downtime/{object_id}/": "302 302 302 302 302",
    "POST /admin/downtime/downtime/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/downtime/downtime/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/downtime/downtime/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/downtime/downtimecategory/": "302 302 302 403 403",
    "POST /admin/downtime/downtimecategory/add/": "302 302 302 403 403",
    "POST /admin/downtime/downtimecategory/{object_id}/": "302 302 302 302 302",
    "POST /admin/downtime/downtimecategory/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/downtime/downtimecategory/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/downtime/downtimecategory/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/jsi18n/": "302 302 302 405 405",
    "POST /admin/login/": "200 200 200 200 200",
    "POST /admin/logout/": "302 302 302 200 200",
    "POST /admin/oauth2_provider/accesstoken/": "302 302 302 403 403",
    "POST /admin/oauth2_provider/accesstoken/add/": "302 302 302 403 403",
    "POST /admin/oauth2_provider/accesstoken/{object_id}/": "302 302 302 302 302",
    "POST /admin/oauth2_provider/accesstoken/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/oauth2_provider/accesstoken/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/oauth2_provider/accesstoken/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/oauth2_provider/application/": "302 302 302 403 403",
    "POST /admin/oauth2_provider/application/add/": "302 302 302 403 403",
    "POST /admin/oauth2_provider/application/{object_id}/": "302 302 302 302 302",
    "POST /admin/oauth2_provider/application/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/oauth2_provider/application/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/oauth2_provider/application/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/oauth2_provider/grant/": "302 302 302 403 403",
    "POST /admin/oauth2_provider/grant/add/": "302 302 302 403 403",
    "POST /admin/oauth2_provider/grant/{object_id}/": "302 302 302 302 302",
    "POST /admin/oauth2_provider/grant/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/oauth2_provider/grant/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/oauth2_provider/grant/{object_id}/history/": "302 302 302 302 302",
    "POST /admin/oauth2_provider/idtoken/": "302 302 302 403 403",
    "POST /admin/oauth2_provider/idtoken/add/": "302 302 302 403 403",
    "POST /admin/oauth2_provider/idtoken/{object_id}/": "302 302 302 302 302",
    "POST /admin/oauth2_provider/idtoken/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/oauth2_provider/idtoken/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/oauth2_provider/idtoken/{object_id}/history/": "302 302 302 302 302",
    "POST /admin/oauth2_provider/refreshtoken/": "302 302 302 403 403",
    "POST /admin/oauth2_provider/refreshtoken/add/": "302 302 302 403 403",
    "POST /admin/oauth2_provider/refreshtoken/{object_id}/": "302 302 302 302 302",
    "POST /admin/oauth2_provider/refreshtoken/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/oauth2_provider/refreshtoken/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/oauth2_provider/refreshtoken/{object_id}/history/": "302 302 302 302 302",
    "POST /admin/observations/observation/": "302 302 302 403 403",
    "POST /admin/observations/observation/add/": "302 302 302 403 403",
    "POST /admin/observations/observation/{object_id}/": "302 302 302 302 302",
    "POST /admin/observations/observation/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/observations/observation/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/observations/observation/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/password_change/": "302 302 302 200 200",
    "POST /admin/password_change/done/": "302 302 302 405 405",
    "POST /admin/proposals/allocationledgerentry/": "302 302 302 403 403",
    "POST /admin/proposals/allocationledgerentry/add/": "302 302 302 403 403",
    "POST /admin/proposals/allocationledgerentry/{object_id}/": "302 302 302 302 302",
    "POST /admin/proposals/allocationledgerentry/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/proposals/allocationledgerentry/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/proposals/allocationledgerentry/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/proposals/proposal/": "302 302 302 403 403",
    "POST /admin/proposals/proposal/add/": "302 302 302 403 403",
    "POST /admin/proposals/proposal/import-csv/": "302 302 302 302 302",
    "POST /admin/proposals/proposal/{object_id}/": "302 302 302 302 302",
    "POST /admin/proposals/proposal/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/proposals/proposal/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/proposals/proposal/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/proposals/proposalinvite/": "302 302 302 403 403",
    "POST /admin/proposals/proposalinvite/add/": "302 302 302 403 403",
    "POST /admin/proposals/proposalinvite/{object_id}/": "302 302 302 302 302",
    "POST /admin/proposals/proposalinvite/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/proposals/proposalinvite/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/proposals/proposalinvite/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/proposals/sciencecollaboration/": "302 302 302 403 403",
    "POST /admin/proposals/sciencecollaboration/add/": "302 302 302 403 403",
    "POST /admin/proposals/sciencecollaboration/{object_id}/": "302 302 302 302 302",
    "POST /admin/proposals/sciencecollaboration/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/proposals/sciencecollaboration/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/proposals/sciencecollaboration/{object_id}/history/": "302 302 302 302 302",
    "POST /admin/proposals/semester/": "302 302 302 403 403",
    "POST /admin/proposals/semester/add/": "302 302 302 403 403",
    "POST /admin/proposals/semester/{object_id}/": "302 302 302 302 302",
    "POST /admin/proposals/semester/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/proposals/semester/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/proposals/semester/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/proposals/timeallocation/": "302 302 302 403 403",
    "POST /admin/proposals/timeallocation/add/": "302 302 302 403 403",
    "POST /admin/proposals/timeallocation/{object_id}/": "302 302 302 302 302",
    "POST /admin/proposals/timeallocation/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/proposals/timeallocation/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/proposals/timeallocation/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/r/{content_type_id}/{object_id}/": "302 302 302 404 404",
    "POST /admin/requestgroups/request/": "302 302 302 403 403",
    "POST /admin/requestgroups/request/add/": "302 302 302 403 403",
    "POST /admin/requestgroups/request/{object_id}/": "302 302 302 302 302",
    "POST /admin/requestgroups/request/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/requestgroups/request/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/requestgroups/request/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/requestgroups/requestgroup/": "302 302 302 403 403",
    "POST /admin/requestgroups/requestgroup/add/": "302 302 302 403 403",
    "POST /admin/requestgroups/requestgroup/{object_id}/": "302 302 302 302 302",
    "POST /admin/requestgroups/requestgroup/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/requestgroups/requestgroup/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/requestgroups/requestgroup/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/sciapplications/call/": "302 302 302 403 403",
    "POST /admin/sciapplications/call/add/": "302 302 302 403 403",
    "POST /admin/sciapplications/call/{object_id}/": "302 302 302 302 302",
    "POST /admin/sciapplications/call/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/sciapplications/call/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/sciapplications/call/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/sciapplications/scienceapplication/": "302 302 302 403 403",
    "POST /admin/sciapplications/scienceapplication/add/": "302 302 302 403 403",
    "POST /admin/sciapplications/scienceapplication/{object_id}/": "302 302 302 302 302",
    "POST /admin/sciapplications/scienceapplication/{object_id}/change/": "302 302 302 403 403",
    "POST /admin/sciapplications/scienceapplication/{object_id}/delete/": "302 302 302 403 403",
    "POST /admin/sciapplications/scienceapplication/{object_id}/history/": "302 302 302 403 403",
    "POST /admin/{app_label}/": "302 302 302 404 404",
    "POST /admin/{url}": "302 302 302 404 404",
    "POST /api/schema/redoc/": "405 405 405 405 405",
    "POST /api/schema/swagger-ui/": "405 405 405 405 405",
    "POST /applications/": "302 200* 200 200 200",
    "POST /applications/new": "302 302 302 302 302",
    "POST /applications/{pk}/": "302 302 302 302 302",
    "POST /applications/{pk}/accept": "302 404 404 400* 400*",
    "POST /applications/{pk}/delete": "302 302 404 404 404",
    "POST /applications/{pk}/pdf": "302 200 200 200 200",
    "POST /applications/{pk}/reject": "302 404 404 302 302",
    "POST /applications/{pk}/reviewers": "302 404 404 400* 400*",
    "POST /archive": "405 405 405 405 405",
    "POST /archive/": "405 405 405 405 405",
    "POST /archive/download-script/": "400 400 400 400 400",
    "POST /archive/files/{path}": "404 404 404 404 404",
    "POST /archive/frame/{pk}/": "405 405 405 405 405",
    "POST /archive/health/": "200 200 200 200 200",
    "POST /archive/redoc/": "405 405 405 405 405",
    "POST /calls/": "302 200 200 200 200",
    "POST /calls/{pk}/ranking": "302 404 404 200* 200*",
    "POST /configdb": "200 200 200 200 200",
    "POST /configdb/": "200 200 200 200 200",
    "POST /configdb/health/": "200 200 200 200 200",
    "POST /configdb/network/": "405 405 405 405 405",
    "POST /configdb/redoc/": "405 405 405 405 405",
    "POST /create/": "302 400* 400 400 400",
    "POST /create/draft": "302 400* 400 400 400",
    "POST /create/form": "302 200* 200 200 200",
    "POST /create/pattern": "302 200 200 200 200",
    "POST /create/resolve": "302 405 405 405 405",
    "POST /create/validate": "302 200 200 200 200",
    "POST /create/visibility": "302 200 200 200 200",
    "POST /downtime": "405 405 405 405 405",
    "POST /downtime/": "405 405 405 405 405",
    "POST /downtime/api/calendar.ics/": "405 405 405 405 405",
    "POST /downtime/health/": "200 200 200 200 200",
    "POST /downtime/new/": "302 403 403 400 400",
    "POST /downtime/redoc/": "405 405 405 405 405",
    "POST /downtime/timeline/": "405 405 405 405 405",
    "POST /downtime/{pk}/delete/": "302 403 403 302 302",
    "POST /downtime/{pk}/edit/": "302 403 403 400 400",
    "POST /health/": "200 200 200 200 200",
    "POST /metrics/": "200 200 200 200 200",
    "POST /network/": "302 404 404 200 200*",
    "POST /o/.well-known/jwks.json": "404 404 404 404 404",
    "POST /o/.well-known/oauth-authorization-server": "405 405 405 405 405",
    "POST /o/.well-known/oauth-authorization-server/{issuer_path}": "405 405 405 405 405",
    "POST /o/.well-known/oauth-protected-resource": "405 405 405 405 405",
    "POST /o/.well-known/oauth-protected-resource/{resource_path}": "405 405 405 405 405",
    "POST /o/.well-known/openid-configuration/": "404 404 404 404 404",
    "POST /o/applications/": "302 405 405 405 405",
    "POST /o/applications/register/": "302 200 200 200 200",
    "POST /o/applications/{pk}/": "302 405 405 405 405",
    "POST /o/applications/{pk}/delete/": "302 404 404 404 404",
    "POST /o/applications/{pk}/update/": "302 404 404 404 404",
    "POST /o/authorize/": "302 200 200 200 200",
    "POST /o/authorized_tokens/": "302 405 405 405 405",
    "POST /o/authorized_tokens/{pk}/delete/": "302 404 404 404 404",
    "POST /o/device-authorization/": "400 400 400 400 400",
    "POST /o/device-confirm/{client_id}/{user_code}": "302 404 404 404 404",
    "POST /o/device-grant-status/{client_id}/{user_code}": "302 405 405 405 405",
    "POST /o/device/": "302 200 200 200 200",
    "POST /o/introspect/": "403 403 403 403 403",
    "POST /o/logout/": "404 404 404 404 404",
    "POST /o/register/": "404 404 404 404 404",
    "POST /o/register/{client_id}/": "404 404 404 404 404",
    "POST /o/revoke_token/": "400 400 400 400 400",
    "POST /o/token/": "400 400 400 400 400",
    "POST /o/userinfo/": "404 404 404 404 404",
    "POST /profile": "302 200* 200 200 200",
    "POST /profile/": "302 200* 200 200 200",
    "POST /profile/notifications": "302 302 302 302 302",
    "POST /profile/token/rotate": "302 302 302 302 302",
    "POST /profile/webhooks": "302 400* 400 400 400",
    "POST /profile/webhooks/{pk}/delete": "302 302 404 404 404",
    "POST /proposals/{proposal_id}": "302 200* 404 404 200*",
    "POST /proposals/{proposal_id}/": "302 200* 404 404 200*",
    "POST /proposals/{proposal_id}/invitations/{invitation_id}/withdraw": "302 302 404 404 302",
    "POST /proposals/{proposal_id}/invite": "302 400* 404 404 400*",
    "POST /proposals/{proposal_id}/limit": "302 302 404 404 302",
    "POST /proposals/{proposal_id}/members/{membership_id}/limit": "302 302 404 404 302",
    "POST /proposals/{proposal_id}/members/{membership_id}/remove": "302 302 404 404 302",
    "POST /proposals/{proposal_id}/notifications": "302 302 404 404 302",
    "POST /redoc/": "405 405 405 405 405",
    "POST /requestgroups": "302 200* 200 200 200*",
    "POST /requestgroups/": "302 200* 200 200 200*",
    "POST /requestgroups/{pk}": "302 200* 404 404 200*",
    "POST /requestgroups/{pk}/": "302 200* 404 404 200*",
    "POST /requestgroups/{pk}/cancel": "302 302 404 404 302",
    "POST /requestgroups/{pk}/cancel/": "302 302 404 404 302",
    "POST /requests": "302 200* 200 200 200*",
    "POST /requests/": "302 200* 200 200 200*",
    "POST /requests/{pk}": "302 200* 404 404 200*",
    "POST /requests/{pk}/": "302 200* 404 404 200*",
    "POST /requests/{pk}/airmass": "302 200 404 404 200",
    "POST /requests/{pk}/airmass/": "302 200 404 404 200",
    "POST /requests/{pk}/cancel": "302 302 404 404 302",
    "POST /requests/{pk}/cancel/": "302 302 404 404 302",
    "POST /reviews/": "302 200 200* 200 200",
    "POST /reviews/{pk}/": "302 404 400* 404 404",
    "POST /reviews/{pk}/withdraw": "302 404 404 302 302",
    "POST /scheduler/": "302 404 404 405 405",
    "POST /scheduler/runs/{pk}/": "302 404 404 405 405",
    "POST /telescopes": "200 200 200 200 200",
    "POST /telescopes/": "200 200 200 200 200",
    "POST /tools": "200 200 200 200* 200*",
    "POST /tools/": "200 200 200 200* 200*",
    "POST /zpages/health/": "200 200 200 200 200",
}


@dataclass
class World:
    clients: dict[str, APIClient]
    users: dict[str, Any]
    ids: dict[str, str]
    markers: tuple[bytes, ...]  # found only in answers that show proposal A's private data


def _writes() -> int:
    """Rows inserted, updated or deleted so far on this connection (rolled back or not)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT total_changes()")
        else:
            cursor.execute(
                "SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0)"
                " FROM pg_stat_xact_user_tables"
            )
        return int(cursor.fetchone()[0])


def _close(response: Any) -> None:
    """Close a response as a server would, without the end-of-request handler that closes the
    database connection (it would end the test's transaction on PostgreSQL)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def _allocate(proposal: Proposal) -> None:
    from openocs.portal.proposals import accounting
    from openocs.portal.proposals.models import Semester

    accounting.allocation_create(
        proposal=proposal,
        semester=Semester.objects.get(id="2026B"),
        instrument_types=[SINISTRO],
        std_allocation=50.0,
        rr_allocation=2.0,
        tc_allocation=5.0,
    )


def _build_world(make: PersonaFactory) -> World:
    from openocs.downtime.models import Downtime
    from openocs.portal.notifications.models import Webhook
    from openocs.portal.notifications.webhooks import webhook_create
    from openocs.portal.sciapplications import services as sciapp_services
    from openocs.portal.sciapplications.models import Call

    semester = proposal_services.semester_create(
        semester_id="2026B",
        start=datetime(2026, 8, 1, tzinfo=UTC),
        end=datetime(2027, 2, 1, tzinfo=UTC),
    )
    proposal_a = proposal_services.proposal_create(
        proposal_id="LCO2026B-001", title="Kilonova survey A"
    )
    proposal_b = proposal_services.proposal_create(proposal_id="LCO2026B-002", title="B")
    _allocate(proposal_a)
    _allocate(proposal_b)
    personas: dict[str, Persona] = {
        "member_a": make("carol"),
        "member_b": make("dave"),
        "staff": make("stan", is_staff=True),
        "staff_view": make("sasha", is_staff=True, staff_view=True),
    }
    ingester = make("ingester", is_superuser=True)
    membership_a = Membership.objects.create(
        proposal=proposal_a, user=personas["member_a"].user, role=Membership.PI
    )
    Membership.objects.create(
        proposal=proposal_b, user=personas["member_b"].user, role=Membership.PI
    )
    group = submit(personas["member_a"])
    request = group["requests"][0]
    observation = schedule(
        personas["staff_view"], request, datetime(2026, 12, 1, 23, 0, tzinfo=UTC), site="lsc"
    )
    a = personas["member_a"].client
    draft = a.post("/api/drafts/", {"proposal": proposal_a.pk, "title": "d", "content": "{}"})
    assert draft.status_code == 201, draft.json()
    invited = a.post(f"/api/proposals/{proposal_a.pk}/invite/", {"emails": ["x@example.org"]})
    assert invited.status_code == 200, invited.json()
    from openocs.portal.proposals.models import ProposalInvite

    call = Call.objects.create(
        semester=semester,
        opens=datetime(2026, 11, 1, tzinfo=UTC),
        deadline=datetime(2027, 1, 1, tzinfo=UTC),
        call_url="https://example.org/call",
        instruments=[SINISTRO],
        proposal_type=Call.SCI,
    )
    call.eligible_semesters.add(semester)
    application = sciapp_services.application_create(
        submitter=personas["member_a"].user,
        call=call,
        title="Kilonovae",
        fields={"abstract": "We look.", "tags": ["transients"]},
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    from openocs.portal.sciapplications import reviews as sciapp_reviews
    from openocs.portal.sciapplications.tests.pdfs import make_pdf

    # a submitted application of member_a's that member_b is asked to review
    reviewed = sciapp_services.application_create(
        submitter=personas["member_a"].user,
        call=call,
        title="Kilonovae, reviewed",
        fields={"abstract": "We look."},
        timerequests=[{"semester": semester, "instrument_types": [SINISTRO], "std_time": 5.0}],
        pdf=SimpleUploadedFile("a.pdf", make_pdf(["Science."]), content_type="application/pdf"),
        submit=True,
    )
    review = sciapp_reviews.review_assign(
        application=reviewed, reviewer=personas["member_b"].user, actor=personas["staff"].user
    )
    hook: Webhook = webhook_create(owner=personas["member_a"].user, url="https://x.example/h")
    downtime = Downtime.objects.create(
        start=datetime(2026, 12, 2, tzinfo=UTC),
        end=datetime(2026, 12, 3, tzinfo=UTC),
        site="lsc",
        enclosure="domb",
        telescope="1m0a",
        reason="matrix",
    )
    run = personas["staff"].client.post(
        "/api/scheduler/runs/", _run_body(int(request["id"])), format="json"
    )
    assert run.status_code == 201, run.json()
    frame = ingester.client.post("/archive/frames/", _frame_body(proposal_a.pk), format="json")
    assert frame.status_code == 201, frame.json()
    frame_id = frame.json()["id"]
    version_id = frame.json()["version_set"][0]["id"]
    from openocs.archive import services as archive_services
    from openocs.archive.models import Frame

    thumbnail = archive_services.thumbnail_save(
        frame=Frame.objects.get(pk=frame_id), size="small", png=b"\x89PNG\r\n\x1a\n"
    )
    ids = {
        "calls": str(call.pk),
        "configurationstatus": str(
            observation["request"]["configurations"][0]["configuration_status"]
        ),
        "drafts": str(draft.json()["id"]),
        "invitations": str(ProposalInvite.objects.get(proposal=proposal_a).pk),
        "memberships": str(membership_a.pk),
        "observations": str(observation["id"]),
        "schedule": str(observation["id"]),
        "proposals": proposal_a.pk,
        "requestgroups": str(group["id"]),
        "requests": str(request["id"]),
        "scienceapplications": str(application.pk),
        "applications": str(reviewed.pk),
        "reviews": str(review.pk),
        "semesters": semester.pk,
        "webhooks": str(hook.pk),
        "frames": str(frame_id),
        "frame-catalog": str(frame_id),
        "frame-funpack": str(frame_id),
        "versions": str(version_id),
        "thumbnails": str(thumbnail.pk),
        "downtime": str(downtime.pk),
        "scheduler": str(run.json()["id"]),
        "instrument_type": SINISTRO,
    }
    clients = {"anonymous": APIClient(), **{k: p.client for k, p in personas.items()}}
    markers = (
        proposal_a.pk.encode(),
        proposal_a.title.encode(),
        DEMO_FRAME.removesuffix(".fits.fz").encode(),
        hook.url.encode(),
        application.title.encode(),
    )
    users = {role: persona.user for role, persona in personas.items()}
    return World(clients=clients, users=users, ids=ids, markers=markers)


def _run_body(request_id: int) -> dict[str, Any]:
    """A scheduler run that left proposal A's request out (OpenOCS extension)."""
    return {
        "started": "2026-12-01T12:00:00Z",
        "ended": "2026-12-01T12:00:30Z",
        "kernel": "cpsat",
        "requests_considered": 1,
        "requests_left_out": 1,
        "left_out": [{"request": request_id, "reason": "NOT_VISIBLE"}],
    }


def _frame_body(proposal_id: str) -> dict[str, Any]:
    """A private frame of ``proposal_id`` whose file (a real demo frame) is in the store."""
    from openocs.archive import files

    demo = Path(__file__).parents[3] / "data" / "demo-fits" / DEMO_FRAME
    with demo.open("rb") as handle:
        stored = files.storage().put(f"lsc/fa15/20261201/processed/{DEMO_FRAME}", handle)
    return {
        "basename": DEMO_FRAME.removesuffix(".fits.fz"),
        "observation_date": "2026-12-01T23:10:00Z",
        "observation_day": "20261201",
        "proposal_id": proposal_id,
        "instrument_id": "fa15",
        "target_name": "M31",
        "reduction_level": 91,
        "site_id": "lsc",
        "telescope_id": "1m0a",
        "exposure_time": 30.0,
        "primary_optical_element": "rp",
        "public_date": "2099-01-01T00:00:00Z",
        "configuration_type": "EXPOSE",
        "observation_id": 1,
        "request_id": 2,
        "area": None,
        "version_set": [{"key": stored.key, "md5": stored.md5, "extension": ".fits.fz"}],
        "headers": {"USERID": "carol"},
        "related_frame_filenames": [],
    }


def _concrete(path: str, ids: dict[str, str], configdb_ids: dict[str, str]) -> str:
    if "{instrument_type}" in path:
        return path.replace("{instrument_type}", ids["instrument_type"])
    if "{pk}" not in path:
        return path
    parts = path.strip("/").split("/")
    if parts[0] == "configdb":
        return path.replace("{pk}", configdb_ids[parts[1]])
    if parts[0] == "downtime":
        return path.replace("{pk}", ids["downtime"])
    key = parts[1] if parts[0] in ("api", "archive") else parts[0]
    return path.replace("{pk}", ids[key])


def _configdb_ids(endpoints: list[Any]) -> dict[str, str]:
    """The first object of each configdb model with a detail route."""
    ids = {}
    for path, _, _, view in endpoints:
        parts = path.strip("/").split("/")
        if parts[0] == "configdb" and "{pk}" in path and parts[1] not in ids:
            viewset = view.cls(**getattr(view, "initkwargs", {}))
            first = viewset.get_queryset().order_by("pk").first()
            ids[parts[1]] = str(first.pk) if first is not None else "999999"
    return ids


def _page_routes() -> list[str]:
    """Every route of the Django views (pages, feeds, file links, the admin, the OAuth2
    provider, health probes and documentation pages): the URL resolver minus the API views."""
    routes: set[str] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
                continue
            view = getattr(pattern.callback, "cls", None) or getattr(
                pattern.callback, "view_class", None
            )
            route = _page_template(prefix + str(pattern.pattern))
            if view is not None and issubclass(view, APIView):
                continue
            routes.update({f"GET {route}", f"POST {route}"})

    walk(get_resolver().url_patterns, "")
    return sorted(routes)


def _page_template(raw: str) -> str:
    """``requestgroups/(?P<pk>\\d+)$`` → ``/requestgroups/{pk}``: one spelling for both syntaxes."""
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", raw)
    route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
    route = route.replace("^", "").replace("$", "").replace("/?", "/").replace("\\.", ".")
    return "/" + route.lstrip("/")


def _admin_object_id(route: str, ids: dict[str, str]) -> str:
    """The first object of the admin route's model (``/admin/<app>/<model>/{object_id}/…``), or
    an id that names none when the model has no rows."""
    from django.apps import apps

    parts = route.strip("/").split("/")
    if len(parts) < 4 or parts[0] != "admin":
        return ids["requestgroups"]
    try:
        model = apps.get_model(parts[1], parts[2])
    except LookupError:
        return ids["requestgroups"]
    first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
    return str(first) if first is not None else "999999"


def _page_url(route: str, ids: dict[str, str]) -> str:
    kind = "webhooks" if "/webhooks/" in route else route.strip("/").split("/")[0]
    if route.startswith("/archive/frame/"):
        kind = "frames"  # the archive's frame page
    values = {
        "pk": ids.get(kind, "999999"),
        "membership_id": ids["memberships"],
        "invitation_id": ids["invitations"],
        "token": "not-a-token",
        "uidb64": "MQ",
        "path": "lsc/fa15/x.fits.fz",
        "proposal_id": ids["proposals"],
        # The admin: an object of the route's model that exists (the history page looks the
        # object up before it checks permissions), on SQLite and PostgreSQL alike.
        "object_id": _admin_object_id(route, ids),
        "content_type_id": "1",
        "app_label": "auth",
        "url": "nowhere/",
        "issuer_path": "nowhere",
        "resource_path": "nowhere",
        "client_id": "no-such-client",
        "user_code": "no-such-code",
    }
    return re.sub(r"{(\w+)}", lambda match: values.get(match.group(1), "999999"), route)


def _run(
    world: World, routes: list[str], call: Callable[[str, str, str], Any]
) -> tuple[dict[str, str], list[str]]:
    """Each route as each role, in a savepoint rolled back: the answers and the refused writes."""
    observed: dict[str, str] = {}
    leaks: list[str] = []
    for route in routes:
        method, url = route.split(" ", 1)
        statuses = []
        for role in ROLES:
            before = _writes()
            with transaction.atomic():
                response = call(role, method, url)
                transaction.set_rollback(True)
            if response.status_code in REFUSALS and _writes() != before:
                leaks.append(f"{route} as {role}: refused with {response.status_code} but wrote")
            if getattr(response, "streaming", False):
                content = b"".join(response.streaming_content)
            else:
                content = response.content
            _close(response)
            # An answer that only repeats what the caller asked for (a 404 page naming the id
            # in the URL) shows nothing.
            asked = str(response.request.get("PATH_INFO", ""))
            shows_a = any(
                marker in content and marker.decode() not in asked for marker in world.markers
            )
            statuses.append(f"{response.status_code}{'*' if shows_a else ''}")
        observed[route] = " ".join(statuses)
    return observed, leaks


def _compare(
    name: str, expected: dict[str, str], observed: dict[str, str], leaks: list[str]
) -> None:
    if os.environ.get("OCS_PRINT_PERMISSION_MATRIX"):
        print(f"{name} = {{")
        for route, answers in observed.items():
            print(f'    "{route}": "{answers}",')
        print("}")
    missing = sorted(set(observed) - set(expected))
    stale = sorted(set(expected) - set(observed))
    wrong = [
        f"{route}: expected {expected[route]}, got {observed[route]}"
        for route in sorted(set(expected) & set(observed))
        if expected[route] != observed[route]
    ]
    assert not missing, f"routes without a row in {name}:\n" + "\n".join(missing)
    assert not stale, f"rows of {name} for routes that no longer exist:\n" + "\n".join(stale)
    assert not wrong, "\n".join(wrong)
    assert not leaks, "\n".join(leaks)


@pytest.mark.django_db
def test_every_route_answers_each_role_as_the_matrix_says(request: pytest.FixtureRequest) -> None:
    request.getfixturevalue("live_network")  # the demo network in the co-hosted configdb
    request.getfixturevalue("frozen_now")
    # Ids are reused after other tests' rollbacks: a proposal list the archive cached for an
    # earlier test's user with the same id would answer for ours.
    cache.clear()
    world = _build_world(request.getfixturevalue("make_persona"))
    endpoints = EndpointEnumerator().get_api_endpoints()  # type: ignore[no-untyped-call]
    configdb_ids = _configdb_ids(endpoints)
    # A caller's first archive request records who they are (the archive's copy of the portal
    # identity): make it before counting writes.
    for client in world.clients.values():
        client.get("/archive/profile/")

    def api_call(role: str, method: str, path: str) -> Any:
        call = getattr(world.clients[role], method.lower())
        url = _concrete(path, world.ids, configdb_ids)
        return call(url, {}, format="json") if method != "GET" else call(url)

    api_routes = sorted({f"{method} {path}" for path, _, method, _ in endpoints})
    api_observed, api_leaks = _run(world, api_routes, api_call)

    sessions = {role: _session_cookie(world, role) for role in ROLES}

    def page_call(role: str, method: str, route: str) -> Any:
        browser = Client()  # a fresh browser each call: a logout must not outlive its call
        if sessions[role]:
            browser.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
        return getattr(browser, method.lower())(_page_url(route, world.ids))

    page_observed, page_leaks = _run(world, _page_routes(), page_call)
    _compare("MATRIX", MATRIX, api_observed, api_leaks)
    _compare("PAGES", PAGES, page_observed, page_leaks)


def _session_cookie(world: World, role: str) -> str:
    if role == "anonymous":
        return ""
    browser = Client()
    browser.force_login(world.users[role])
    return browser.cookies[settings.SESSION_COOKIE_NAME].value
