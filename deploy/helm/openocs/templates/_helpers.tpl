{{/* Name prefix of every object: the release name (e.g. "ocs-portal"). */}}
{{- define "openocs.fullname" -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{- define "openocs.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "openocs.secretName" -}}
{{- .Values.existingSecret | default (printf "%s-secrets" (include "openocs.fullname" .)) -}}
{{- end -}}

{{- define "openocs.labels" -}}
app.kubernetes.io/name: openocs
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The comma-separated names of the enabled components. */}}
{{- define "openocs.enabledComponents" -}}
{{- $names := list -}}
{{- range $name, $component := .Values.components -}}
{{- if $component.enabled -}}{{- $names = append $names $name -}}{{- end -}}
{{- end -}}
{{- join "," $names -}}
{{- end -}}

{{/* Environment shared by every container: the settings, the in-cluster URLs, the hosts. */}}
{{- define "openocs.env" -}}
{{- $root := . -}}
{{- $fullname := include "openocs.fullname" . -}}
{{- range $name, $value := .Values.config }}
{{- if and (ne (toString $value) "") (not (has $name (list "ALLOWED_HOSTS" "OCS_PORTAL_PUBLIC_URL"))) }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end }}
{{- $hosts := list "localhost" "127.0.0.1" -}}
{{- range $name, $component := .Values.components }}
{{- if $component.enabled }}
{{- $hosts = append $hosts $component.host }}
{{- $hosts = append $hosts (printf "%s-%s" $fullname $name) }}
{{- $hosts = append $hosts (printf "%s-%s.%s.svc" $fullname $name $root.Release.Namespace) }}
- name: OCS_{{ upper $name }}_URL
  value: "http://{{ $fullname }}-{{ $name }}/"
{{- end }}
{{- end }}
- name: ALLOWED_HOSTS
  value: {{ .Values.config.ALLOWED_HOSTS | default (join "," $hosts) | quote }}
- name: OCS_PORTAL_PUBLIC_URL
  value: {{ .Values.config.OCS_PORTAL_PUBLIC_URL | default (printf "https://%s" .Values.components.portal.host) | quote }}
{{- end -}}

{{- define "openocs.envFrom" -}}
envFrom:
  - secretRef:
      name: {{ include "openocs.secretName" . }}
{{- end -}}
