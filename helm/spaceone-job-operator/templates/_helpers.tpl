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
