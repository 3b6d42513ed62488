{{- define "keepsake.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "keepsake.labels" -}}
app.kubernetes.io/name: keepsake
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "keepsake.selector" -}}
app.kubernetes.io/name: keepsake
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "keepsake.serviceAccountName" -}}
{{- default (include "keepsake.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "keepsake.pushgatewayUrl" -}}
{{- if .Values.pushgateway.enabled -}}
{{- printf "http://%s-pushgateway.%s.svc:9091" (include "keepsake.fullname" .) .Release.Namespace -}}
{{- else -}}
{{- .Values.pushgateway.url -}}
{{- end -}}
{{- end -}}
