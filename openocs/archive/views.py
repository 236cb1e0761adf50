"""HTTP views of the archive: thin layers over selectors and services (spec §2–§8)."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.utils import timezone
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from openocs.archive import conf, fitsfiles, selectors, services
from openocs.archive.files import download_url, storage
from openocs.archive.identity import (
    PortalBearerAuthentication,
    PortalTokenAuthentication,
    Viewer,
    viewer_for,
    viewer_for_token,
)
from openocs.archive.models import Frame, Thumbnail, Version
from openocs.archive.pagination import FrameCursorPagination, FrameLimitOffsetPagination
from openocs.archive.params import as_bool, as_datetime, as_int
from openocs.archive.serializers import (
    FrameRegistrationSerializer,
    FrameUpdateSerializer,
    ThumbnailRegistrationSerializer,
    frame_json,
    thumbnail_json,
    version_json,
)
from openocs.archive.zipping import ZipEntry, stored_zip_length, zip_stream
from openocs.storage import ObjectNotFound, content_type_for
from openocs.storage.local import verify_signature
from openocs.web.exceptions import ServiceUnavailable
from openocs.web.schema import LIST_OF_OBJECTS

logger = logging.getLogger("openocs.archive")

AUTHENTICATION = [PortalTokenAuthentication, SessionAuthentication, PortalBearerAuthentication]


class IsSuperuserOrIngester(permissions.BasePermission):
    """Superusers, or staff with the ``archive.ingest`` permission (spec §3)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return bool(user.is_superuser or (user.is_staff and user.has_perm("archive.ingest")))


class IsSuperuser(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_superuser)


class IsStaff(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and (user.is_staff or user.is_superuser))


class ArchiveView(APIView):
    authentication_classes = AUTHENTICATION
    permission_classes = [permissions.AllowAny]


class ListRouteSchema(AutoSchema):
    """The schema of a list route written as an ``APIView``: its GET is ``<path>_list``, as a
    viewset's would be, instead of ``<path>_retrieve``, the name of its detail route."""

    def get_operation_id(self) -> str:
        operation_id = str(super().get_operation_id())
        if self.method == "GET" and operation_id.endswith("_retrieve"):
            return operation_id.removesuffix("_retrieve") + "_list"
        return operation_id


def _flag(request: Request, name: str, default: bool) -> bool:
    value = request.query_params.get(name, "")
    return default if value == "" else as_bool(name, value)


def _visible_or_404(request: Request, frame_id: int) -> tuple[Frame, Viewer]:
    viewer = viewer_for(request)
    frame = selectors.visible_frame(viewer, frame_id)
    if frame is None:
        raise exceptions.NotFound()
    return frame, viewer


def _newest_version(frame: Frame, request: Request) -> Version:
    versions = frame.version_set.order_by("-created", "-id")
    version_id = request.query_params.get("version")
    version = (
        versions.filter(pk=as_int("version", version_id)).first()
        if version_id
        else versions.first()
    )
    if version is None:
        raise exceptions.NotFound()
    return version


class FrameListView(ArchiveView):
    """``GET frames/`` (anyone, visibility rule) and ``POST frames/`` (registration)."""

    schema = ListRouteSchema()

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.request.method == "POST":
            return [IsSuperuserOrIngester()]
        return [permissions.AllowAny()]

    def get(self, request: Request) -> Response:
        viewer = viewer_for(request)
        related = _flag(request, "include_related_frames", True)
        thumbnails = _flag(request, "include_thumbnails", False)
        frames = selectors.filter_frames(
            selectors.visible_frames(viewer), request.query_params, viewer
        )
        frames = selectors.frames_with_relations(frames, related=related, thumbnails=thumbnails)
        paginator: Any
        if request.query_params.get("pagination_style") == "cursor":
            paginator = FrameCursorPagination()
        else:
            paginator = FrameLimitOffsetPagination()
            frames = frames.order_by(*selectors.ordering_for(request.query_params))
        page = paginator.paginate_queryset(frames, request, view=self)
        data = [frame_json(f, request, related=related, thumbnails=thumbnails) for f in page or []]
        response: Response = paginator.get_paginated_response(data)
        return response

    def post(self, request: Request) -> Response:
        parsed = FrameRegistrationSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        data = dict(parsed.validated_data)
        try:
            frame = services.frame_register(
                basename=data.pop("basename"),
                area=data.pop("area", None),
                headers=data.pop("headers"),
                versions=[services.NewVersion(**v) for v in data.pop("version_set")],
                related_basenames=data.pop("related_frame_filenames"),
                fields=data,
            )
        except services.DuplicateVersionError:
            raise exceptions.ValidationError(
                {"version_set": [{"md5": ["version with this md5 already exists."]}]}
            ) from None
        frame = selectors.frames_with_relations(
            Frame.objects.filter(pk=frame.pk), related=True, thumbnails=False
        ).get()
        body = frame_json(frame, request)
        for alias in serializers_aliases():
            body.pop(alias, None)
        return Response(body, status=status.HTTP_201_CREATED)


def serializers_aliases() -> list[str]:
    from openocs.archive.serializers import LEGACY_ALIASES

    return list(LEGACY_ALIASES)


class FrameDetailView(ArchiveView):
    """``GET frames/{id}/`` (visibility rule), ``PUT/PATCH/DELETE`` (superuser)."""

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.request.method in permissions.SAFE_METHODS:
            return [permissions.AllowAny()]
        return [IsSuperuser()]

    def get(self, request: Request, pk: int) -> Response:
        frame, _viewer = _visible_or_404(request, pk)
        related = _flag(request, "include_related_frames", True)
        thumbnails = _flag(request, "include_thumbnails", False)
        frame = selectors.frames_with_relations(
            Frame.objects.filter(pk=frame.pk), related=related, thumbnails=thumbnails
        ).get()
        return Response(frame_json(frame, request, related=related, thumbnails=thumbnails))

    def _update(self, request: Request, pk: int, *, partial: bool) -> Response:
        frame = Frame.objects.filter(pk=pk).first()
        if frame is None:
            raise exceptions.NotFound()
        parsed = FrameUpdateSerializer(data=request.data, partial=partial)
        parsed.is_valid(raise_exception=True)
        services.frame_update(frame=frame, fields=dict(parsed.validated_data))
        return self.get(request, pk)

    def put(self, request: Request, pk: int) -> Response:
        return self._update(request, pk, partial=True)

    def patch(self, request: Request, pk: int) -> Response:
        return self._update(request, pk, partial=True)

    def delete(self, request: Request, pk: int) -> Response:
        frame = Frame.objects.filter(pk=pk).first()
        if frame is None:
            raise exceptions.NotFound()
        services.frame_delete(frame=frame)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FrameHeadersView(ArchiveView):
    def get(self, request: Request, pk: int) -> Response:
        frame, _viewer = _visible_or_404(request, pk)
        headers = getattr(frame, "headers", None)
        return Response({"data": headers.data if headers is not None else {}})


class FrameRelatedView(ArchiveView):
    """Unpaginated list of the visible related frames (spec §4.4)."""

    @extend_schema(responses={200: LIST_OF_OBJECTS})
    def get(self, request: Request, pk: int) -> Response:
        frame, viewer = _visible_or_404(request, pk)
        related = selectors.frames_with_relations(
            selectors.related_visible(viewer, frame), related=True, thumbnails=False
        )
        body = []
        for other in related:
            item = frame_json(other, request)
            for alias in serializers_aliases():
                item.pop(alias, None)
            body.append(item)
        return Response(body)


_FITS_FILE = {(200, "application/octet-stream"): OpenApiTypes.BINARY}


class FrameDownloadView(ArchiveView):
    """``GET frames/{id}/download/``: 302 to the signed URL, or the decompressed file."""

    @extend_schema(
        responses={
            **_FITS_FILE,
            302: OpenApiResponse(description="Redirect to the file's signed URL."),
        }
    )
    def get(self, request: Request, pk: int) -> HttpResponse | StreamingHttpResponse:
        frame, _viewer = _visible_or_404(request, pk)
        version = _newest_version(frame, request)
        if _flag(request, "uncompress", False):
            return _funpack_response(frame, version)
        return HttpResponseRedirect(download_url(request, version.path, version.key))


def _funpack_response(frame: Frame, version: Version) -> HttpResponse | StreamingHttpResponse:
    try:
        handle = fitsfiles.decompress(version.path, version.key)
    except (OSError, ValueError, TypeError, ObjectNotFound):
        logger.exception("Could not decompress %s (version %s)", frame.basename, version.pk)
        return HttpResponse(
            "There was a problem downloading your files. "
            "Please try again later or select fewer files.",
            status=500,
            content_type="text/plain",
        )
    response = StreamingHttpResponse(
        fitsfiles.iter_file(handle), content_type="application/octet-stream"
    )
    response["Content-Disposition"] = f"attachment; filename={frame.basename}.fits"
    return response


class FunpackView(ArchiveView):
    """``GET frame-funpack/{id}/funpack/``: rights-checked (D19)."""

    @extend_schema(responses=_FITS_FILE)
    def get(self, request: Request, pk: int) -> HttpResponse | StreamingHttpResponse:
        frame, _viewer = _visible_or_404(request, pk)
        return _funpack_response(frame, _newest_version(frame, request))


class CatalogView(ArchiveView):
    """``GET frame-catalog/{id}/catalog/``: rights-checked (D19)."""

    @extend_schema(responses=_FITS_FILE)
    def get(self, request: Request, pk: int) -> StreamingHttpResponse:
        frame, _viewer = _visible_or_404(request, pk)
        version = _newest_version(frame, request)
        handle = fitsfiles.catalogue(version.path, version.key)
        if handle is None:
            raise exceptions.NotFound()
        response = StreamingHttpResponse(
            fitsfiles.iter_file(handle), content_type="application/octet-stream"
        )
        response["Content-Disposition"] = f"attachment; filename={frame.basename}-catalog.fits"
        return response


def file_download(request: Any, path: str) -> HttpResponse | FileResponse:
    """The local store's signed URLs: ``files/<path>?key=&expires=&signature=`` (D20)."""
    key = request.GET.get("key", "")
    signature = request.GET.get("signature", "")
    try:
        expires = int(request.GET.get("expires", ""))
    except ValueError:
        raise Http404 from None
    signing_key = conf.storage_config().signing_key
    if not key or not verify_signature(signing_key, path, key, expires, signature):
        return HttpResponse(
            "This download link is invalid or has expired.", status=403, content_type="text/plain"
        )
    try:
        stream = storage().open(path, key)
    except ObjectNotFound:
        raise Http404 from None
    name = path.rsplit("/", 1)[-1]
    response = FileResponse(
        stream, content_type=content_type_for(name), as_attachment=True, filename=name
    )
    response["Content-Disposition"] = f"attachment; filename={name}"
    return response


class FrameAggregateView(ArchiveView):
    """``GET frames/aggregate/``: rights-aware, on demand, cached (spec §7, D22, D37)."""

    FILTERS = (
        "site_id",
        "telescope_id",
        "instrument_id",
        "primary_optical_element",
        "configuration_type",
        "proposal_id",
    )

    def get(self, request: Request) -> Response:
        params = request.query_params
        viewer = viewer_for(request)
        start, end = params.get("start"), params.get("end")
        if bool(start) != bool(end):
            raise exceptions.ValidationError(
                {"non_field_errors": ["both start & end must be specified"]}
            )
        frames = selectors.visible_frames(viewer)
        window_reaches_future = False
        if start and end:
            start_dt, end_dt = as_datetime("start", start), as_datetime("end", end)
            if end_dt - start_dt > timedelta(days=365):
                raise exceptions.ValidationError(
                    {
                        "non_field_errors": [
                            "time range must be less than or equal to a year (365 days)"
                        ]
                    }
                )
            frames = frames.filter(observation_date__gte=start_dt, observation_date__lte=end_dt)
            window_reaches_future = end_dt > timezone.now()
        for name in self.FILTERS:
            if params.get(name):
                frames = frames.filter(**{name: params[name]})
        public = params.get("public", "")
        if public != "":
            if as_bool("public", public):
                frames = frames.filter(public_date__lt=timezone.now())
            elif viewer.sees_all:
                frames = frames.exclude(public_date__lt=timezone.now())
            elif viewer.authenticated:
                frames = frames.filter(proposal_id__in=sorted(viewer.proposals)).exclude(
                    public_date__lt=timezone.now()
                )
            else:
                frames = frames.none()
        timeout_ms = as_int("query_timeout", params.get("query_timeout", "2000"))
        if not 0 <= timeout_ms <= 20000:
            raise exceptions.ValidationError(
                {"query_timeout": ["Ensure this value is between 0 and 20000."]}
            )
        scope = (
            viewer.cache_key
            if (public != "true" and not viewer.sees_all) or viewer.authenticated
            else "public"
        )
        digest = hashlib.sha256(
            json.dumps(sorted(params.lists()), default=str).encode()
        ).hexdigest()
        cache_key = f"archive:aggregate:{scope}:{digest}"
        cached = cache.get(cache_key)
        if cached is not None:
            return Response(cached)
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql" and timeout_ms:
                    with connection.cursor() as cursor:
                        cursor.execute(f"SET LOCAL statement_timeout = {int(timeout_ms)}")
                result: dict[str, Any] = dict(selectors.aggregate(frames))
        except DatabaseError:
            raise ServiceUnavailable("Aggregate query timed out") from None
        result["generated_at"] = datetime.now(tz=UTC).replace(tzinfo=None).isoformat()
        seconds = 300 if viewer.authenticated else (3600 if window_reaches_future else 24 * 3600)
        cache.set(cache_key, result, seconds)
        return Response(result)


class FrameZipView(ArchiveView):
    """``POST frames/zip/``: a zip of many frames, streamed (spec §6.2)."""

    def _viewer(self, request: Request) -> Viewer:
        token = request.data.get("auth_token") if hasattr(request.data, "get") else None
        if token:
            viewer = viewer_for_token(str(token))
            if viewer is None:
                raise exceptions.NotFound()
            return viewer
        return viewer_for(request)

    def post(self, request: Request) -> StreamingHttpResponse:
        data = request.data
        ids = frame_ids_of(data)
        uncompress = _body_flag(data, "uncompress")
        catalog_only = _body_flag(data, "catalog_only")
        if uncompress and len(ids) > conf.zip_max_uncompressed_files():
            limit = conf.zip_max_uncompressed_files()
            raise exceptions.ValidationError(
                {
                    "non_field_errors": [
                        f"A maximum of {limit} frames can be downloaded with the uncompress flag. "
                        "Please try again with fewer frame_ids."
                    ]
                }
            )
        viewer = self._viewer(request)
        frames = list(
            selectors.frames_with_relations(
                selectors.visible_frames(viewer).filter(pk__in=ids), related=False, thumbnails=False
            ).order_by("id")
        )
        if not frames:
            raise exceptions.NotFound()
        chosen = [(f, f.version_set.all()[0]) for f in frames]
        if not viewer.sees_all:
            if len(chosen) > conf.zip_max_files():
                raise exceptions.ValidationError(
                    {
                        "frame_ids": [
                            f"A maximum of {conf.zip_max_files()} frames can be zipped at once."
                        ]
                    }
                )
            total = sum(v.size for _f, v in chosen)
            if total > conf.zip_max_bytes():
                raise exceptions.ValidationError(
                    {
                        "frame_ids": [
                            f"The selected files total {total} bytes; "
                            f"the limit is {conf.zip_max_bytes()} bytes."
                        ]
                    }
                )
        base = conf.zip_filename_base()
        response: StreamingHttpResponse
        if uncompress or catalog_only:  # each member is made while streaming: size unknown
            made = (
                _zip_entry(base, frame, version, uncompress=uncompress, catalog_only=catalog_only)
                for frame, version in chosen
            )
            response = StreamingHttpResponse(
                zip_stream(e for e in made if e is not None), content_type="application/zip"
            )
        else:
            stored = [_stored_entry(base, frame, version) for frame, version in chosen]
            response = StreamingHttpResponse(zip_stream(stored), content_type="application/zip")
            length = stored_zip_length(stored)
            if length is not None:  # the browser then shows the download's progress and time left
                response["Content-Length"] = str(length)
        today = datetime.now(tz=UTC).strftime("%Y%m%d")
        response["Content-Disposition"] = f"attachment; filename={base}-{today}-{len(chosen)}.zip"
        response.set_cookie("fileDownload", "true", path="/")
        return response


def frame_ids_of(data: Any) -> list[int]:
    raw: list[Any] = []
    if hasattr(data, "getlist"):
        raw = data.getlist("frame_ids") + data.getlist("frame_ids[]")
    elif isinstance(data, dict) and isinstance(data.get("frame_ids"), list):
        raw = list(data["frame_ids"])
    if hasattr(data, "keys"):  # frame_ids[0]=…&frame_ids[1]=… (the archive web client)
        raw += [
            data[k]
            for k in sorted(data.keys())
            if k.startswith("frame_ids[") and k != "frame_ids[]"
        ]
    if not raw:
        raise exceptions.ValidationError({"frame_ids": ["This field is required."]})
    ids = []
    for value in raw:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise exceptions.ValidationError(
                {"frame_ids": ["A valid integer is required."]}
            ) from None
        if number < 1:
            raise exceptions.ValidationError(
                {"frame_ids": ["Ensure this value is greater than or equal to 1."]}
            )
        ids.append(number)
    return ids


def _body_flag(data: Any, name: str) -> bool:
    value = data.get(name) if hasattr(data, "get") else None
    if value in (None, ""):
        return False
    if isinstance(value, bool):
        return value
    return as_bool(name, str(value))


def _zip_entry(
    base: str, frame: Frame, version: Version, *, uncompress: bool, catalog_only: bool
) -> ZipEntry | None:
    if catalog_only:
        if not (frame.reduction_level == 91 and frame.configuration_type == "EXPOSE"):
            return None
        handle = fitsfiles.catalogue(version.path, version.key)
        if handle is None:
            return None
        return ZipEntry(f"{base}/{frame.basename}-catalog.fits", fitsfiles.iter_file(handle))
    if uncompress and version.extension == ".fits.fz":
        handle = fitsfiles.decompress(version.path, version.key)
        return ZipEntry(f"{base}/{frame.basename}.fits", fitsfiles.iter_file(handle))
    return _stored_entry(base, frame, version)


def _stored_entry(base: str, frame: Frame, version: Version) -> ZipEntry:
    """A member holding the stored file as it is (its size known from the database)."""
    return ZipEntry(
        f"{base}/{frame.basename}{version.extension}",
        storage().iter_chunks(version.path, version.key),
        version.size or None,
    )


class VersionListView(ArchiveView):
    """``GET versions/`` (staff) with a working ``md5`` filter (D18)."""

    schema = ListRouteSchema()

    permission_classes = [IsStaff]

    def get(self, request: Request) -> Response:
        versions = Version.objects.order_by("-created", "-id")
        params = request.query_params
        if params.get("md5"):
            versions = versions.filter(md5=params["md5"].lower())
        if params.get("frame"):
            versions = versions.filter(frame_id=as_int("frame", params["frame"]))
        if params.get("key"):
            versions = versions.filter(key=params["key"])
        paginator = FrameLimitOffsetPagination()
        page = paginator.paginate_queryset(versions, request, view=self)
        data = [{**version_json(v, request), "frame": v.frame_id} for v in page or []]
        response = paginator.get_paginated_response(data)
        response.data.pop("count_estimated", None)
        return response


class VersionDetailView(ArchiveView):
    permission_classes = [IsStaff]

    def get(self, request: Request, pk: int) -> Response:
        version = Version.objects.filter(pk=pk).first()
        if version is None:
            raise exceptions.NotFound()
        return Response({**version_json(version, request), "frame": version.frame_id})


class ThumbnailListView(ArchiveView):
    """``GET thumbnails/``: thumbnails of visible frames; ``POST`` (superuser) (spec §8)."""

    schema = ListRouteSchema()

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.request.method == "POST":
            return [IsSuperuserOrIngester()]
        return [permissions.AllowAny()]

    def post(self, request: Request) -> Response:
        parsed = ThumbnailRegistrationSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        data = dict(parsed.validated_data)
        versions = data.pop("version_set")
        if not versions:
            raise exceptions.ValidationError({"version_set": ["This list may not be empty."]})
        thumbnail = services.thumbnail_register(
            frame_basename=data.pop("frame_basename"),
            basename=data.pop("basename"),
            size=data.pop("size"),
            version=services.NewVersion(**versions[0]),
            headers=data.pop("headers"),
            fields=data,
        )
        return Response(thumbnail_json(thumbnail, request), status=status.HTTP_201_CREATED)

    def get(self, request: Request) -> Response:
        viewer = viewer_for(request)
        thumbnails = Thumbnail.objects.filter(
            frame__in=selectors.visible_frames(viewer, listed_only=False)
        ).order_by("-created", "-id")
        params = request.query_params
        for name, field in (
            ("frame_basename", "frame__basename"),
            ("proposal_id", "frame__proposal_id"),
            ("size", "size"),
        ):
            if params.get(name):
                thumbnails = thumbnails.filter(**{field: params[name]})
        for name, field in (
            ("observation_id", "frame__observation_id"),
            ("request_id", "frame__request_id"),
            ("frame", "frame_id"),
        ):
            if params.get(name):
                thumbnails = thumbnails.filter(**{field: as_int(name, params[name])})
        paginator = FrameLimitOffsetPagination()
        page = paginator.paginate_queryset(thumbnails, request, view=self)
        response = paginator.get_paginated_response(
            [thumbnail_json(t, request) for t in page or []]
        )
        response.data.pop("count_estimated", None)
        return response


class ThumbnailDetailView(ArchiveView):
    def get(self, request: Request, pk: int) -> Response:
        viewer = viewer_for(request)
        thumbnail = Thumbnail.objects.filter(
            pk=pk, frame__in=selectors.visible_frames(viewer, listed_only=False)
        ).first()
        if thumbnail is None:
            raise exceptions.NotFound()
        return Response(thumbnail_json(thumbnail, request))


class ProfileView(ArchiveView):
    """``GET profile/`` (spec §2.4)."""

    def get(self, request: Request) -> Response:
        viewer = viewer_for(request)
        if not viewer.authenticated:
            return Response({"username": "", "profile": {}, "is_staff": False})
        return Response(
            {
                "username": request.user.username,
                "profile": {"proposals": sorted(viewer.proposals)},
                "is_staff": bool(request.user.is_staff),
            }
        )


class TokenLoginView(ArchiveView):
    """``POST api-token-auth/``: the user's token (shared with the portal when co-hosted)."""

    def post(self, request: Request) -> Response:
        if request.user and request.user.is_authenticated and "username" not in request.data:
            user = request.user
        else:
            parsed = AuthTokenSerializer(data=request.data, context={"request": request})
            parsed.is_valid(raise_exception=True)
            user = parsed.validated_data["user"]
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class RevokeTokenView(ArchiveView):
    permission_classes = [permissions.IsAuthenticated]

    def post(self, request: Request) -> Response:
        user: Any = request.user
        Token.objects.filter(user=user).delete()
        Token.objects.create(user=user)
        return Response({"message": "API token revoked."})


class AddUpdateUserView(APIView):
    """``POST authprofile/addupdateuser/``: the portal pushes an account (spec §2.4) [full]."""

    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]

    def post(self, request: Request) -> Response:
        import hmac

        key = conf.server_key()
        header = request.headers.get("Authorization", "")
        scheme, _, supplied = header.partition(" ")
        if not key or scheme.lower() != "server" or not hmac.compare_digest(supplied, key):
            raise exceptions.PermissionDenied()
        data: Any = request.data
        if not hasattr(data, "get"):
            raise exceptions.ValidationError({"non_field_errors": ["Expected an object."]})
        username = str(data.get("username", "")).strip()
        if not username:
            raise exceptions.ValidationError({"username": ["This field is required."]})
        api_token = str((data.get("tokens") or {}).get("api_token", "")).strip()
        user = services.user_upsert(
            username=username,
            first_name=str(data.get("first_name", "")),
            last_name=str(data.get("last_name", "")),
            email=str(data.get("email", "")),
            is_staff=bool(data.get("is_staff", False)),
            is_superuser=bool(data.get("is_superuser", False)),
            api_token=api_token,
        )
        return Response({"message": f"User {user.username} added or updated."})


class VersionExistsView(ArchiveView):
    """``POST versions/exists/`` (staff): which md5s and basenames are archived (spec §5.4)."""

    permission_classes = [IsStaff]

    def post(self, request: Request) -> Response:
        data: Any = request.data
        md5s = data.get("md5s", []) if hasattr(data, "get") else None
        basenames = data.get("basenames", []) if hasattr(data, "get") else None
        if not isinstance(md5s, list) or not isinstance(basenames, list):
            raise exceptions.ValidationError(
                {"non_field_errors": ["Expected md5s and basenames lists."]}
            )
        md5s = [str(m).lower() for m in md5s]
        by_md5 = dict(Version.objects.filter(md5__in=md5s).values_list("md5", "frame_id"))
        by_name = dict(
            Frame.objects.filter(basename__in=[str(b) for b in basenames], listed=True).values_list(
                "basename", "id"
            )
        )
        return Response(
            {
                "md5s": {m: by_md5.get(m) for m in md5s},
                "basenames": {str(b): by_name.get(str(b)) for b in basenames},
            }
        )


def _document_json_views() -> None:
    """Describe the archive's hand-written JSON views in the OpenAPI schema.

    These views build their compatible JSON themselves (no serializer for drf-spectacular to
    read), so each HTTP method without its own annotation is declared as taking and returning
    a JSON object; without this the API reference would leave them out.
    """
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import extend_schema

    views = [
        value
        for value in globals().values()
        if isinstance(value, type) and issubclass(value, APIView) and value is not APIView
    ]
    for view in views:
        for method in ("get", "post", "put", "patch", "delete"):
            handler = view.__dict__.get(method)
            if handler is None or hasattr(handler, "kwargs"):
                continue
            request_type = None if method in ("get", "delete") else OpenApiTypes.OBJECT
            annotated = extend_schema(request=request_type, responses=OpenApiTypes.OBJECT)(handler)
            setattr(view, method, annotated)


_document_json_views()
