"""Routes of the configdb component, relative to its mount point (spec configdb §3).

Every route answers with and without its trailing slash.
"""

from django.urls import URLPattern, URLResolver, re_path

from openocs.configdb import pages, views
from openocs.web.routers import OptionalSlashSimpleRouter, optional_slash_path

router = OptionalSlashSimpleRouter()
router.register("sites", views.SiteViewSet, basename="configdb-site")
router.register("enclosures", views.EnclosureViewSet, basename="configdb-enclosure")
router.register("telescopes", views.TelescopeViewSet, basename="configdb-telescope")
router.register("instruments", views.InstrumentViewSet, basename="configdb-instrument")
router.register("cameras", views.CameraViewSet, basename="configdb-camera")
router.register("cameratypes", views.CameraTypeViewSet, basename="configdb-cameratype")
router.register("opticalelements", views.OpticalElementViewSet, basename="configdb-opticalelement")
router.register(
    "opticalelementgroups",
    views.OpticalElementGroupViewSet,
    basename="configdb-opticalelementgroup",
)
router.register("instrumenttypes", views.InstrumentTypeViewSet, basename="configdb-instrumenttype")
router.register(
    "instrumentcategories", views.InstrumentCategoryViewSet, basename="configdb-instrumentcategory"
)
router.register("modetypes", views.ModeTypeViewSet, basename="configdb-modetype")
router.register("genericmodes", views.GenericModeViewSet, basename="configdb-genericmode")
router.register(
    "genericmodegroups", views.GenericModeGroupViewSet, basename="configdb-genericmodegroup"
)
router.register(
    "configurationtypes", views.ConfigurationTypeViewSet, basename="configdb-configurationtype"
)
router.register(
    "configurationtypeproperties",
    views.ConfigurationTypePropertiesViewSet,
    basename="configdb-configurationtypeproperties",
)

urlpatterns: list[URLPattern | URLResolver] = [
    optional_slash_path("", views.overview, name="configdb-root"),
    optional_slash_path("network/", pages.network_page, name="configdb-network"),
    optional_slash_path(
        "api/availability_history/",
        views.AvailabilityHistoryView.as_view(),
        name="configdb-availability-history",
    ),
    optional_slash_path("import/", views.ImportView.as_view(), name="configdb-import"),
    *router.urls,
]

# Co-hosted, the component root is ``/configdb/``; the server mounts these patterns at the host
# root so that ``/configdb`` (no slash) answers too (spec README §4.1).
root_aliases: list[URLPattern | URLResolver] = [
    re_path(r"^configdb$", views.overview, name="configdb-root-without-slash"),
]
