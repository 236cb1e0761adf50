"""Read and write shapes of the configdb API (spec configdb §4 and §5).

Reads nest related objects (``GET sites/`` is the whole network); writes refer to them through
``*_id`` fields. Parents are absolute links built from the request's scheme, host and mount
prefix. Nested writes (optical elements of a group, modes of a mode group, configuration-type
properties of an instrument type) are delegated to :mod:`openocs.configdb.services`.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from openocs.configdb import conf, services
from openocs.configdb import models as m


def base_url(request: Any) -> str:
    """The absolute URL of the configdb root for this request (``http://host/configdb/``)."""
    if request is None:
        return "/"
    cached: str | None = getattr(request, "_configdb_base_url", None)
    if cached is None:
        cached = request.build_absolute_uri(conf.mount_path())
        if not cached.endswith("/"):
            cached += "/"
        request._configdb_base_url = cached
    return cached


@extend_schema_field(OpenApiTypes.URI)
class ParentLink(serializers.Field):  # type: ignore[type-arg]
    """A read-only absolute hyperlink to the parent resource, from its id (no query)."""

    def __init__(self, resource: str, **kwargs: Any) -> None:
        self.resource = resource
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        return f"{base_url(self.context.get('request'))}{self.resource}/{value}/"


class ModelSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """``null`` for an optional field that cannot be null means "use the default" (spec README
    §4.3): such keys are dropped before validation."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            fields = self.fields
            data = {
                key: value
                for key, value in data.items()
                if not (
                    value is None
                    and key in fields
                    and not fields[key].allow_null
                    and not fields[key].required
                    and not fields[key].read_only
                )
            }
        return super().to_internal_value(data)


class StrMixin:
    """Adds the reference's ``__str__`` field to the representation."""

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)  # type: ignore[misc]
        data["__str__"] = str(instance)
        return data


class UniqueCodeWithinParentMixin:
    """D31: ``code`` unique within the parent, with the message ``<model> with this code …``."""

    parent_field: str = ""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)  # type: ignore[misc]
        instance = getattr(self, "instance", None)
        parent = attrs.get(self.parent_field, getattr(instance, self.parent_field, None))
        code = attrs.get("code", getattr(instance, "code", None))
        if parent is not None and code is not None:
            model: type[models.Model] = self.Meta.model  # type: ignore[attr-defined]
            clash = model._default_manager.filter(**{self.parent_field: parent, "code": code})
            if instance is not None:
                clash = clash.exclude(pk=instance.pk)
            if clash.exists():
                name = model._meta.verbose_name
                raise serializers.ValidationError(
                    {"code": [f"{name} with this code already exists."]}
                )
        return attrs


class ListErrorsMixin:
    """Nested list errors in the compatible shape: one entry per element, ``{}`` for valid ones
    (spec README §4.7), whatever shape the installed DRF version produces."""

    nested_lists: tuple[str, ...] = ()

    def to_internal_value(self, data: Any) -> Any:
        try:
            return super().to_internal_value(data)  # type: ignore[misc]
        except serializers.ValidationError as error:
            detail = error.detail
            if isinstance(detail, dict) and isinstance(data, dict):
                for name in self.nested_lists:
                    errors = detail.get(name)
                    items = data.get(name)
                    if isinstance(errors, dict) and isinstance(items, list):
                        detail[name] = [
                            errors.get(index, errors.get(str(index), {}))  # type: ignore[call-overload]
                            for index in range(len(items))
                        ]
            raise serializers.ValidationError(detail) from error


# --- Cameras and optical elements -------------------------------------------------------------


class CameraTypeSerializer(ModelSerializer):
    class Meta:
        model = m.CameraType
        fields = ["id", "size", "pscale", "name", "code", "pixels_x", "pixels_y", "max_rois"]


class OpticalElementSerializer(ModelSerializer):
    class Meta:
        model = m.OpticalElement
        fields = ["id", "name", "code", "schedulable"]


class NestedOpticalElementSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """An element inside a group: written as ``{code, name, schedulable}`` (get-or-create)."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    code = serializers.CharField(max_length=200)
    schedulable = serializers.BooleanField(required=False, default=True)


class DefaultCodeField(serializers.CharField):
    """A group's default element or mode, read as its code (``""`` when there is none)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> Any:
        default = instance.default
        return default.code if default is not None else ""

    def to_representation(self, value: Any) -> str:
        return value or ""


class OpticalElementGroupSerializer(ListErrorsMixin, ModelSerializer):
    nested_lists = ("optical_elements",)
    optical_elements = NestedOpticalElementSerializer(many=True, required=False)
    optical_element_ids = serializers.PrimaryKeyRelatedField(
        many=True, write_only=True, required=False, queryset=m.OpticalElement.objects.all()
    )
    default = DefaultCodeField()

    class Meta:
        model = m.OpticalElementGroup
        fields = [
            "id",
            "name",
            "type",
            "optical_elements",
            "optical_element_ids",
            "element_change_overhead",
            "default",
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "optical_elements" in attrs and "optical_element_ids" in attrs:
            raise serializers.ValidationError(
                "Give either optical_elements or optical_element_ids, not both."
            )
        default = attrs.get("default")
        if default:
            if "optical_elements" in attrs:
                codes = {element["code"] for element in attrs["optical_elements"]}
            elif "optical_element_ids" in attrs:
                codes = {element.code for element in attrs["optical_element_ids"]}
            elif self.instance is not None:
                codes = set(self.instance.optical_elements.values_list("code", flat=True))
            else:
                codes = set()
            if default not in codes:
                raise serializers.ValidationError(
                    f"Default optical element {default} must be a member of this groups "
                    "optical elements"
                )
        return attrs

    def create(self, validated_data: dict[str, Any]) -> m.OpticalElementGroup:
        return services.optical_element_group_save(group=None, data=validated_data)

    def update(self, instance: m.OpticalElementGroup, validated_data: dict[str, Any]) -> Any:
        return services.optical_element_group_save(group=instance, data=validated_data)


class CameraSerializer(ModelSerializer):
    camera_type = CameraTypeSerializer(read_only=True)
    camera_type_id = serializers.PrimaryKeyRelatedField(
        write_only=True, source="camera_type", queryset=m.CameraType.objects.all()
    )
    optical_elements = serializers.SerializerMethodField()
    optical_element_groups = OpticalElementGroupSerializer(many=True, read_only=True)
    optical_element_group_ids = serializers.PrimaryKeyRelatedField(
        many=True,
        write_only=True,
        required=False,
        source="optical_element_groups",
        queryset=m.OpticalElementGroup.objects.all(),
    )

    class Meta:
        model = m.Camera
        fields = [
            "id",
            "code",
            "camera_type",
            "camera_type_id",
            "orientation",
            "optical_elements",
            "optical_element_groups",
            "optical_element_group_ids",
            "host",
        ]

    def get_optical_elements(self, camera: m.Camera) -> dict[str, str]:
        """The legacy ``{<group type>: "<code>,<code>"}`` object."""
        return {
            group.type: ",".join(element.code for element in group.optical_elements.all())
            for group in camera.optical_element_groups.all()
        }

    def validate_optical_element_group_ids(
        self, groups: list[m.OpticalElementGroup]
    ) -> list[m.OpticalElementGroup]:
        seen: set[str] = set()
        for group in groups:
            if group.type in seen:
                raise serializers.ValidationError(
                    f"A camera may have only one optical element group of type {group.type}."
                )
            seen.add(group.type)
        return groups


# --- Instrument types and modes ---------------------------------------------------------------


class GenericModeSerializer(ModelSerializer):
    class Meta:
        model = m.GenericMode
        fields = ["id", "name", "overhead", "code", "schedulable", "validation_schema"]


class GenericModeGroupSerializer(ListErrorsMixin, ModelSerializer):
    nested_lists = ("modes",)
    instrument_type = serializers.PrimaryKeyRelatedField(
        write_only=True, queryset=m.InstrumentType.objects.all()
    )
    type = serializers.PrimaryKeyRelatedField(queryset=m.ModeType.objects.all())
    modes = GenericModeSerializer(many=True, required=False)
    mode_ids = serializers.PrimaryKeyRelatedField(
        many=True, write_only=True, required=False, queryset=m.GenericMode.objects.all()
    )
    default = DefaultCodeField()

    class Meta:
        model = m.GenericModeGroup
        fields = ["id", "instrument_type", "type", "modes", "mode_ids", "default"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if "modes" in attrs and "mode_ids" in attrs:
            raise serializers.ValidationError("Give either modes or mode_ids, not both.")
        default = attrs.get("default")
        if default:
            if "modes" in attrs:
                codes = {mode["code"] for mode in attrs["modes"]}
            elif "mode_ids" in attrs:
                codes = {mode.code for mode in attrs["mode_ids"]}
            elif self.instance is not None:
                codes = set(self.instance.modes.values_list("code", flat=True))
            else:
                codes = set()
            if default not in codes:
                raise serializers.ValidationError(
                    f"Default generic mode {default} must be a member of this groups modes"
                )
        return attrs

    def create(self, validated_data: dict[str, Any]) -> m.GenericModeGroup:
        return services.generic_mode_group_save(group=None, data=validated_data)

    def update(self, instance: m.GenericModeGroup, validated_data: dict[str, Any]) -> Any:
        return services.generic_mode_group_save(group=instance, data=validated_data)


class ModeTypeSerializer(ModelSerializer):
    class Meta:
        model = m.ModeType
        fields = ["id"]


class InstrumentCategorySerializer(ModelSerializer):
    class Meta:
        model = m.InstrumentCategory
        fields = ["code"]


class ConfigurationTypeSerializer(ModelSerializer):
    class Meta:
        model = m.ConfigurationType
        fields = ["code", "name"]


_PROPERTY_FIELDS = [
    "config_change_overhead",
    "schedulable",
    "force_acquisition_off",
    "requires_optical_elements",
    "validation_schema",
]


class NestedConfigurationTypePropertiesSerializer(ModelSerializer):
    """A property row inside an instrument type: read with ``name``/``code``, written with
    ``configuration_type`` (the code)."""

    configuration_type = serializers.PrimaryKeyRelatedField(
        write_only=True, queryset=m.ConfigurationType.objects.all()
    )
    name = serializers.CharField(source="configuration_type.name", read_only=True)
    code = serializers.CharField(source="configuration_type_id", read_only=True)

    class Meta:
        model = m.ConfigurationTypeProperties
        fields = ["name", "code", "configuration_type", *_PROPERTY_FIELDS]


class ConfigurationTypePropertiesSerializer(ModelSerializer):
    configuration_type = serializers.PrimaryKeyRelatedField(
        queryset=m.ConfigurationType.objects.all()
    )
    instrument_type = serializers.PrimaryKeyRelatedField(queryset=m.InstrumentType.objects.all())

    class Meta:
        model = m.ConfigurationTypeProperties
        fields = ["id", "configuration_type", "instrument_type", *_PROPERTY_FIELDS]


class InstrumentTypeSerializer(ListErrorsMixin, ModelSerializer):
    nested_lists = ("configuration_types",)
    instrument_category = serializers.PrimaryKeyRelatedField(
        queryset=m.InstrumentCategory.objects.all(), allow_null=True, required=False
    )
    default_configuration_type = serializers.PrimaryKeyRelatedField(
        queryset=m.ConfigurationType.objects.all(), allow_null=True, required=False
    )
    mode_types = GenericModeGroupSerializer(many=True, read_only=True)
    configuration_types = NestedConfigurationTypePropertiesSerializer(
        many=True, required=False, source="configuration_type_properties"
    )

    class Meta:
        model = m.InstrumentType
        fields = [
            "id",
            "name",
            "code",
            "fixed_overhead_per_exposure",
            "instrument_category",
            "observation_front_padding",
            "acquire_exposure_time",
            "default_configuration_type",
            "mode_types",
            "default_acceptability_threshold",
            "config_front_padding",
            "allow_self_guiding",
            "configuration_types",
            "validation_schema",
        ]

    def validate_configuration_types(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        codes = [row["configuration_type"].code for row in rows]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            raise serializers.ValidationError(
                f"Configuration type {', '.join(duplicates)} is listed more than once."
            )
        return rows

    def create(self, validated_data: dict[str, Any]) -> m.InstrumentType:
        return services.instrument_type_save(instrument_type=None, data=validated_data)

    def update(self, instance: m.InstrumentType, validated_data: dict[str, Any]) -> Any:
        return services.instrument_type_save(instrument_type=instance, data=validated_data)


# --- The physical hierarchy -------------------------------------------------------------------


class InstrumentSerializer(UniqueCodeWithinParentMixin, StrMixin, ModelSerializer):
    parent_field = "telescope"

    telescope = ParentLink("telescopes", source="telescope_id")
    telescope_id = serializers.PrimaryKeyRelatedField(
        write_only=True, source="telescope", queryset=m.Telescope.objects.all()
    )
    autoguider_camera = CameraSerializer(read_only=True)
    autoguider_camera_id = serializers.PrimaryKeyRelatedField(
        write_only=True, source="autoguider_camera", queryset=m.Camera.objects.all()
    )
    science_cameras = CameraSerializer(many=True, read_only=True)
    science_cameras_ids = serializers.PrimaryKeyRelatedField(
        many=True,
        write_only=True,
        source="science_cameras",
        queryset=m.Camera.objects.all(),
        allow_empty=False,
    )
    instrument_type = InstrumentTypeSerializer(read_only=True)
    instrument_type_id = serializers.PrimaryKeyRelatedField(
        write_only=True, source="instrument_type", queryset=m.InstrumentType.objects.all()
    )

    class Meta:
        model = m.Instrument
        fields = [
            "id",
            "code",
            "state",
            "telescope",
            "telescope_id",
            "autoguider_camera",
            "autoguider_camera_id",
            "science_cameras",
            "science_cameras_ids",
            "instrument_type",
            "instrument_type_id",
            "autoguider_type",
        ]
        validators: list[Any] = []


class TelescopeSerializer(UniqueCodeWithinParentMixin, StrMixin, ModelSerializer):
    parent_field = "enclosure"

    enclosure = ParentLink("enclosures", source="enclosure_id")
    enclosure_id = serializers.PrimaryKeyRelatedField(
        write_only=True, source="enclosure", queryset=m.Enclosure.objects.all()
    )
    instrument_set = InstrumentSerializer(many=True, read_only=True)

    class Meta:
        model = m.Telescope
        fields = [
            "id",
            "serial_number",
            "name",
            "code",
            "active",
            "aperture",
            "lat",
            "long",
            "slew_rate",
            "minimum_slew_overhead",
            "maximum_slew_overhead",
            "instrument_change_overhead",
            "enclosure",
            "enclosure_id",
            "horizon",
            "ha_limit_pos",
            "ha_limit_neg",
            "telescope_front_padding",
            "zenith_blind_spot",
            "instrument_set",
        ]
        validators: list[Any] = []


class EnclosureSerializer(UniqueCodeWithinParentMixin, StrMixin, ModelSerializer):
    parent_field = "site"

    site = ParentLink("sites", source="site_id")
    site_id = serializers.PrimaryKeyRelatedField(
        write_only=True, source="site", queryset=m.Site.objects.all()
    )
    telescope_set = TelescopeSerializer(many=True, read_only=True)

    class Meta:
        model = m.Enclosure
        fields = ["id", "name", "code", "active", "site", "site_id", "telescope_set"]
        validators: list[Any] = []


class SiteSerializer(StrMixin, ModelSerializer):
    enclosure_set = EnclosureSerializer(many=True, read_only=True)

    class Meta:
        model = m.Site
        fields = [
            "id",
            "name",
            "code",
            "active",
            "timezone",
            "restart",
            "tz",
            "lat",
            "long",
            "elevation",
            "enclosure_set",
        ]
