{{/*
The chart name, or nameOverride.
*/}}
{{- define "spaceone-job-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The prefix of every resource name: fullnameOverride, or "<release>-<name>" (just "<release>" when it
already contains the name). At most 52 characters, so that suffixes such as "-leader-election" still fit
within 63.
*/}}
{{- define "spaceone-job-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
chart label value: "<name>-<version>".
*/}}
{{- define "spaceone-job-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels that select the operator pods. Never change them: a Deployment's selector is immutable.
*/}}
{{- define "spaceone-job-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "spaceone-job-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Selector labels of the query API's own pods (queryApi.separateDeployment): another name, so that the
operator Deployment's selector never matches them.
*/}}
{{- define "spaceone-job-operator.querySelectorLabels" -}}
app.kubernetes.io/name: {{ include "spaceone-job-operator.name" . }}-query
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Whether the query API runs in the operator's pods (true) or in its own Deployment ("").
*/}}
{{- define "spaceone-job-operator.queryInOperator" -}}
{{- if and .Values.queryApi.enabled (not .Values.queryApi.separateDeployment.enabled) }}true{{ end }}
{{- end }}

{{/*
Environment of the query server, wherever it runs.
*/}}
{{- define "spaceone-job-operator.queryEnv" -}}
{{- $q := .Values.queryApi -}}
- name: QUERY_PORT
  value: {{ $q.port | toString | quote }}
- name: QUERY_TLS_DIR
  value: /etc/spaceone/query-tls
- name: QUERY_MAX_BODY_BYTES
  value: {{ $q.maxBodyBytes | int64 | toString | quote }}
- name: QUERY_SAR_CACHE_TTL_SECONDS
  value: {{ $q.sarCacheTtlSeconds | int64 | toString | quote }}
- name: QUERY_SAR_CACHE_SIZE
  value: {{ $q.sarCacheSize | int64 | toString | quote }}
- name: QUERY_MAX_CONDITIONS
  value: {{ $q.limits.maxConditions | int64 | toString | quote }}
- name: QUERY_MAX_VALUES_PER_CONDITION
  value: {{ $q.limits.maxValuesPerCondition | int64 | toString | quote }}
- name: QUERY_MAX_FIELDS
  value: {{ $q.limits.maxFields | int64 | toString | quote }}
- name: QUERY_MAX_GROUP_KEYS
  value: {{ $q.limits.maxGroupKeys | int64 | toString | quote }}
- name: QUERY_MAX_ONLY_KEYS
  value: {{ $q.limits.maxOnlyKeys | int64 | toString | quote }}
- name: QUERY_MAX_UNWIND_ROWS
  value: {{ $q.limits.maxUnwindRows | int64 | toString | quote }}
- name: QUERY_MAX_RESULT_ROWS
  value: {{ $q.limits.maxResultRows | int64 | toString | quote }}
- name: QUERY_MAX_RESULT_BYTES
  value: {{ $q.limits.maxResultBytes | int64 | toString | quote }}
- name: QUERY_DEADLINE_MS
  value: {{ $q.limits.deadlineMs | int64 | toString | quote }}
- name: QUERY_MAX_MEMORY_BYTES
  value: {{ $q.limits.maxMemoryBytes | int64 | toString | quote }}
- name: QUERY_WORKER_THREADS
  value: {{ $q.server.workerThreads | toString | quote }}
- name: QUERY_MAX_IN_FLIGHT
  value: {{ $q.server.maxInFlight | toString | quote }}
- name: QUERY_MAX_IN_FLIGHT_PER_USER
  value: {{ $q.server.maxInFlightPerUser | toString | quote }}
- name: QUERY_MAX_CONNECTIONS
  value: {{ $q.server.maxConnections | toString | quote }}
- name: QUERY_HANDSHAKE_TIMEOUT_SECONDS
  value: {{ $q.server.handshakeTimeoutSeconds | toString | quote }}
- name: QUERY_IDLE_TIMEOUT_SECONDS
  value: {{ $q.server.idleTimeoutSeconds | toString | quote }}
- name: QUERY_HEADER_TIMEOUT_SECONDS
  value: {{ $q.server.headerTimeoutSeconds | toString | quote }}
- name: QUERY_BODY_TIMEOUT_SECONDS
  value: {{ $q.server.bodyTimeoutSeconds | toString | quote }}
- name: QUERY_WRITE_TIMEOUT_SECONDS
  value: {{ $q.server.writeTimeoutSeconds | toString | quote }}
{{- end }}

{{/*
Labels on every resource of the chart.
*/}}
{{- define "spaceone-job-operator.labels" -}}
helm.sh/chart: {{ include "spaceone-job-operator.chart" . }}
{{ include "spaceone-job-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: spaceone
{{- end }}

{{/*
The operator's ServiceAccount name.
*/}}
{{- define "spaceone-job-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "spaceone-job-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The ServiceAccount of the query API's pods: the operator's, or with queryApi.separateDeployment its own
("<fullname>-query" when created), which may only read.
*/}}
{{- define "spaceone-job-operator.queryServiceAccountName" -}}
{{- if not .Values.queryApi.separateDeployment.enabled }}
{{- include "spaceone-job-operator.serviceAccountName" . }}
{{- else if .Values.serviceAccount.create }}
{{- default (printf "%s-query" (include "spaceone-job-operator.fullname" .)) .Values.queryApi.separateDeployment.serviceAccountName }}
{{- else }}
{{- default "default" .Values.queryApi.separateDeployment.serviceAccountName }}
{{- end }}
{{- end }}

{{/*
The query API's Service: the APIService points at it and the serving certificate names it.
*/}}
{{- define "spaceone-job-operator.queryServiceName" -}}
{{- include "spaceone-job-operator.fullname" . }}
{{- end }}

{{/*
DNS names of the query API's Service: "<svc>.<ns>.svc" (the API server dials this one) and
"<svc>.<ns>.svc.cluster.local".
*/}}
{{- define "spaceone-job-operator.queryDnsNames" -}}
{{- $host := printf "%s.%s.svc" (include "spaceone-job-operator.queryServiceName" .) .Release.Namespace }}
{{- list $host (printf "%s.cluster.local" $host) | toJson }}
{{- end }}

{{/*
The Secret holding the query API's serving certificate (tls.crt, tls.key, ca.crt).
*/}}
{{- define "spaceone-job-operator.queryTlsSecretName" -}}
{{- $c := .Values.queryApi.certificate }}
{{- if eq $c.mode "secret" }}
{{- required "queryApi.certificate.secretName is required when queryApi.certificate.mode is secret" $c.secretName }}
{{- else }}
{{- default (printf "%s-query-tls" (include "spaceone-job-operator.fullname" .)) $c.secretName }}
{{- end }}
{{- end }}

{{/*
The name of the cert-manager Certificate of the query API (mode certManager).
*/}}
{{- define "spaceone-job-operator.queryCertificateName" -}}
{{- printf "%s-query-tls" (include "spaceone-job-operator.fullname" .) }}
{{- end }}

{{/*
Mode generate: the serving certificate as JSON {"tls.crt", "tls.key", "ca.crt"}, each base64-encoded.
Reuses the existing Secret when there is one (so upgrades keep the certificate and the APIService's
caBundle stable), otherwise generates a CA and a certificate signed by it, valid for 10 years.
The result is computed once per render and cached on the root context, so that the Secret, the
APIService's caBundle and the Deployment's checksum annotation, rendered from different files, agree.
*/}}
{{- define "spaceone-job-operator.generatedCert" -}}
{{- if not (hasKey . "spaceoneJobOperatorGeneratedCert") }}
{{- $cert := dict }}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "spaceone-job-operator.queryTlsSecretName" .) }}
{{- $data := dig "data" (dict) $existing }}
{{- if and (index $data "tls.crt") (index $data "tls.key") (index $data "ca.crt") }}
{{- $cert = dict "tls.crt" (index $data "tls.crt") "tls.key" (index $data "tls.key") "ca.crt" (index $data "ca.crt") }}
{{- else }}
{{- $dnsNames := include "spaceone-job-operator.queryDnsNames" . | fromJsonArray }}
{{- $ca := genCA (printf "%s-ca" (include "spaceone-job-operator.fullname" .)) 3650 }}
{{- $tls := genSignedCert (first $dnsNames) nil $dnsNames 3650 $ca }}
{{- $cert = dict "tls.crt" ($tls.Cert | b64enc) "tls.key" ($tls.Key | b64enc) "ca.crt" ($ca.Cert | b64enc) }}
{{- end }}
{{- $_ := set . "spaceoneJobOperatorGeneratedCert" $cert }}
{{- end }}
{{- index . "spaceoneJobOperatorGeneratedCert" | toJson }}
{{- end }}

{{/*
The base64-encoded CA bundle for the APIService (modes generate and secret; empty in mode certManager,
where cert-manager injects it).
*/}}
{{- define "spaceone-job-operator.caBundle" -}}
{{- $c := .Values.queryApi.certificate }}
{{- if eq $c.mode "generate" }}
{{- index (include "spaceone-job-operator.generatedCert" . | fromJson) "ca.crt" }}
{{- else if eq $c.mode "secret" }}
{{- $bundle := required "queryApi.certificate.caBundle is required when queryApi.certificate.mode is secret" $c.caBundle | trim }}
{{- if hasPrefix "-----BEGIN" $bundle }}
{{- $bundle | b64enc }}
{{- else }}
{{- $bundle }}
{{- end }}
{{- end }}
{{- end }}

{{/*
RBAC rules from files/rbac-rules.yaml, the single place where they are written down.
Usage: include "spaceone-job-operator.rbacRules" (list $ "watched")
*/}}
{{- define "spaceone-job-operator.rbacRules" -}}
{{- $root := index . 0 }}
{{- $section := index . 1 }}
{{- $rules := index ($root.Files.Get "files/rbac-rules.yaml" | fromYaml) $section }}
{{- required (printf "files/rbac-rules.yaml has no section %s" $section) $rules | toYaml }}
{{- end }}

{{/*
The plugin runner's image: runner.image, each part defaulting to the operator's image.
*/}}
{{- define "spaceone-job-operator.runnerImage" -}}
{{- $repository := .Values.runner.image.repository | default .Values.image.repository -}}
{{- $tag := .Values.runner.image.tag | default (.Values.image.tag | default .Chart.AppVersion) -}}
{{- printf "%s:%s" $repository $tag -}}
{{- end }}
