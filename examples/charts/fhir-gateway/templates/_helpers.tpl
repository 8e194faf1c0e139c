{{/* The name of every object of the release. */}}
{{- define "chart.fullname" -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The labels of every object of the release. */}}
{{- define "chart.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Values.image.tag | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The labels that select the release's pods. */}}
{{- define "chart.selector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The secret the external-secrets operator fills for this release. */}}
{{- define "chart.externalSecretName" -}}
{{- printf "%s-external" (include "chart.fullname" .) -}}
{{- end -}}

{{/*
A container's environment: every `env` item, an item with `externalSecret` read from the
secret that the ExternalSecret of this release fills, then the database and queue secrets.
*/}}
{{- define "chart.env" -}}
{{- range .Values.env }}
- name: {{ .name }}
  {{- if .externalSecret }}
  valueFrom:
    secretKeyRef:
      name: {{ include "chart.externalSecretName" $ }}
      key: {{ .name }}
  {{- else if .valueFrom }}
  valueFrom:
    {{- toYaml .valueFrom | nindent 4 }}
  {{- else }}
  value: {{ .value | quote }}
  {{- end }}
{{- end }}
{{- range $name, $secret := dict "DATABASE_URL" .Values.database "QUEUE_URL" .Values.queue }}
{{- if $secret }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      {{- if $secret.externalSecret }}
      name: {{ include "chart.externalSecretName" $ }}
      key: {{ $name }}
      {{- else }}
      name: {{ $secret.secretName }}
      key: {{ $secret.secretKey }}
      {{- end }}
{{- end }}
{{- end }}
{{- end -}}
