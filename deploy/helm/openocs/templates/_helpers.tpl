{{- define "openocs.env" -}}
{{- range $name, $value := .Values.env }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
- name: OCS_PORTAL_URL
  value: "https://{{ .Values.components.portal.host }}/"
- name: OCS_CONFIGDB_URL
  value: "https://{{ .Values.components.configdb.host }}/"
- name: OCS_DOWNTIME_URL
  value: "https://{{ .Values.components.downtime.host }}/"
- name: OCS_ARCHIVE_URL
  value: "https://{{ .Values.components.archive.host }}/"
{{- end -}}
