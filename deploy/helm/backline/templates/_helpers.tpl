{{- /*
Named templates. The chart keeps to a small part of Helm's template language, which
test/support/goTemplate.ts renders for test/deploy/helmChart.test.ts: values and built-in objects,
if / else if / else, with, range, define and include, and the functions of goTemplateFunctions.ts.
*/ -}}

{{- define "backline.name" -}}
{{- .Values.nameOverride | default .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "backline.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "backline.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "backline.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "backline.selectorLabels" -}}
app.kubernetes.io/name: {{ include "backline.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "backline.labels" -}}
{{ include "backline.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{- define "backline.secretName" -}}
{{- .Values.existingSecret | default (include "backline.fullname" .) }}
{{- end }}

{{- define "backline.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- .Values.serviceAccount.name | default (include "backline.fullname" .) }}
{{- else }}
{{- .Values.serviceAccount.name | default "default" }}
{{- end }}
{{- end }}

{{- define "backline.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{- define "backline.serviceEnabled" -}}
{{- if or (eq .Values.slack.mode "http") .Values.service.createInSocketMode }}true{{ end }}
{{- end }}

{{- /* Stops the install with the value to set, rather than deploying a bot that cannot start. */ -}}
{{- define "backline.validate" -}}
{{- if not (or (eq .Values.slack.mode "http") (eq .Values.slack.mode "socket")) }}
{{- fail (printf "slack.mode must be http (Slack posts to /slack/events) or socket (Socket Mode), not %q" .Values.slack.mode) }}
{{- end }}
{{- if not .Values.existingSecret }}
{{- if not .Values.slack.botToken }}
{{- fail "Set slack.botToken to the Bot User OAuth Token (xoxb-…, at https://api.slack.com/apps → your app → OAuth & Permissions), or existingSecret to a Secret that holds SLACK_BOT_TOKEN." }}
{{- end }}
{{- if and (eq .Values.slack.mode "http") (not .Values.slack.signingSecret) }}
{{- fail "slack.mode http needs slack.signingSecret (https://api.slack.com/apps → your app → Basic Information → Signing Secret); without a public address, use slack.mode socket with slack.appToken." }}
{{- end }}
{{- if and (eq .Values.slack.mode "socket") (not .Values.slack.appToken) }}
{{- fail "slack.mode socket needs slack.appToken, an app-level token (xapp-…) with connections:write (https://api.slack.com/apps → your app → Basic Information → App-Level Tokens)." }}
{{- end }}
{{- if not .Values.database.url }}
{{- fail "Set database.url to your PostgreSQL server, postgresql://user:password@host:5432/backline (the image has no embedded database), or existingSecret to a Secret that holds DATABASE_URL." }}
{{- end }}
{{- end }}
{{- end }}
