"""Routes of the portal component, relative to its mount point."""

from django.urls import URLPattern, URLResolver

from openocs.portal.accounts.urls import urlpatterns as accounts_urlpatterns

urlpatterns: list[URLPattern | URLResolver] = []
urlpatterns += accounts_urlpatterns  # api/profile/, api/api-token-auth/, accounts/…, o/…

from openocs.portal.proposals.urls import urlpatterns as proposals_urlpatterns  # noqa: E402

urlpatterns += proposals_urlpatterns  # api/proposals/, api/semesters/, api/memberships/, …

from openocs.portal.requestgroups.urls import urlpatterns as requestgroups_urlpatterns  # noqa: E402

urlpatterns += requestgroups_urlpatterns  # api/requestgroups/, api/requests/, api/instruments/

from openocs.portal.sciapplications.urls import urlpatterns as sciapp_urlpatterns  # noqa: E402

urlpatterns += sciapp_urlpatterns  # api/calls/, api/scienceapplications/

from openocs.portal.observations.urls import urlpatterns as observations_urlpatterns  # noqa: E402

urlpatterns += observations_urlpatterns  # api/observations/, api/configurationstatus/, …

from openocs.portal.notifications.urls import urlpatterns as notifications_urlpatterns  # noqa: E402

urlpatterns += notifications_urlpatterns  # api/changes/, api/webhooks/, api/notifications/…

from openocs.portal.telescopestates.urls import urlpatterns as telescopestates_urlpatterns  # noqa: E402

urlpatterns += telescopestates_urlpatterns  # api/telescope_states/, api/telescope_availability/

from openocs.portal.schedulerruns.urls import urlpatterns as schedulerruns_urlpatterns  # noqa: E402

urlpatterns += schedulerruns_urlpatterns  # api/scheduler/runs/ (OpenOCS extension)

from openocs.portal.home.urls import urlpatterns as home_urlpatterns  # noqa: E402

urlpatterns += home_urlpatterns  # / (the front page and dashboard)

from openocs.portal.requestgroups.page_urls import urlpatterns as request_pages  # noqa: E402

urlpatterns += request_pages  # requestgroups/, requests/ (web pages)

from openocs.portal.accounts.page_urls import urlpatterns as profile_pages  # noqa: E402

urlpatterns += profile_pages  # profile/ (web page)

from openocs.portal.proposals.page_urls import urlpatterns as proposal_pages  # noqa: E402

urlpatterns += proposal_pages  # proposals/<id>/ (web page)

from openocs.portal.telescopestates.page_urls import urlpatterns as telescope_pages  # noqa: E402

urlpatterns += telescope_pages  # telescopes/ (web page)

from openocs.portal.observations.page_urls import urlpatterns as schedule_pages  # noqa: E402

urlpatterns += schedule_pages  # network/ (web page, staff)

from openocs.portal.sciapplications.page_urls import urlpatterns as cycle_pages  # noqa: E402

urlpatterns += cycle_pages  # calls/, applications/, reviews/ (web pages)

from openocs.portal.schedulerruns.page_urls import urlpatterns as scheduler_pages  # noqa: E402

urlpatterns += scheduler_pages  # scheduler/ (web pages, staff)
