{{/* Names and labels shared by every object. */}}
{{- define "keelson.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}{{ .Release.Name | trunc 50 | trimSuffix "-" }}{{- else -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{- define "keelson.labels" -}}
app.kubernetes.io/name: keelson
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component: (dict "root" $ "component" "wio") */}}
{{- define "keelson.selector" -}}
app.kubernetes.io/name: keelson
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* An image of this release: never "latest", the chart's appVersion unless a tag is given. */}}
{{- define "keelson.image" -}}
{{- $tag := .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- if eq $tag "latest" -}}{{- fail "image.tag: name a version; \"latest\" is refused" -}}{{- end -}}
{{ printf "%s/%s:%s" .root.Values.image.registry .component $tag }}
{{- end -}}

{{/* The Service name the gateway reaches a system at. */}}
{{- define "keelson.systemHost" -}}
{{ include "keelson.fullname" .root }}-{{ .component }}
{{- end -}}

{{/* Pod security for everything that is not a privileged node component. */}}
{{- define "keelson.podSecurity" -}}
runAsNonRoot: true
runAsUser: {{ .Values.podSecurity.runAsUser }}
runAsGroup: {{ .Values.podSecurity.runAsUser }}
fsGroup: {{ .Values.podSecurity.fsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "keelson.containerSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/* The arguments of a system's standalone server: port, and with TLS the server certificate and the CA clients must be signed by. */}}
{{- define "keelson.serverArgs" -}}
- {{ .port | quote }}
{{- if .root.Values.tls.enabled }}
- /etc/keelson/tls/service.crt
- /etc/keelson/tls/service.key
- /etc/keelson/tls/ca.crt
{{- end }}
{{- end -}}

{{/* The kubelet's probes of a standalone process: plain HTTP on its health port (so mTLS on its gRPC port is no obstacle), Quarkus' paths. */}}
{{- define "keelson.healthProbes" -}}
readinessProbe:
  httpGet: {path: /q/health/ready, port: health}
  periodSeconds: 5
livenessProbe:
  httpGet: {path: /q/health/live, port: health}
  initialDelaySeconds: 20
  periodSeconds: 10
{{- end -}}

{{- define "keelson.postgresUrl" -}}
{{- if .Values.postgresql.bundled.enabled -}}
jdbc:postgresql://{{ include "keelson.fullname" . }}-postgresql:5432/keelson
{{- else -}}
{{ required "postgresql.url: set an external PostgreSQL (or postgresql.bundled.enabled=true for a trial)" .Values.postgresql.url }}
{{- end -}}
{{- end -}}

{{/* The PostgreSQL password as an env var source. */}}
{{- define "keelson.postgresPassword" -}}
valueFrom:
  secretKeyRef:
{{- if .Values.postgresql.bundled.enabled }}
    name: {{ include "keelson.fullname" . }}-postgresql
    key: password
{{- else }}
    name: {{ required "postgresql.passwordSecret.name: the Secret holding the PostgreSQL password" .Values.postgresql.passwordSecret.name }}
    key: {{ .Values.postgresql.passwordSecret.key }}
{{- end }}
{{- end -}}

{{- /* A standalone service's PostgreSQL connection: KEELSON_<SYS>_JDBC_URL, _USER, _PASSWORD (from the Secret). */ -}}
{{- define "keelson.jdbcEnv" -}}
- {name: KEELSON_{{ upper .system }}_JDBC_URL, value: {{ include "keelson.postgresUrl" .root | quote }}}
- {name: KEELSON_{{ upper .system }}_JDBC_USER, value: {{ .root.Values.postgresql.user | quote }}}
- name: KEELSON_{{ upper .system }}_JDBC_PASSWORD
  {{- include "keelson.postgresPassword" .root | nindent 2 }}
{{- end -}}

{{- define "keelson.kafkaBootstrap" -}}
{{- if .Values.kafka.bundled.enabled -}}
{{ include "keelson.fullname" . }}-kafka:9092
{{- else -}}
{{ .Values.kafka.bootstrap }}
{{- end -}}
{{- end -}}
