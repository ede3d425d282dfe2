variable "environment" {
  description = "Environment to provision: one of the overlays under deploy/k8s/overlays."
  type        = string

  validation {
    condition     = contains([{{ range $i, $e := .environments }}{{ if $i }}, {{ end }}"{{ $e }}"{{ end }}], var.environment)
    error_message = "The environment must be one of {{ join ", " .environments }}."
  }
}

variable "service_name" {
  description = "Name of the service."
  type        = string
  default     = "{{ .name }}"
}

variable "owner" {
  description = "Owning team, recorded as a label."
  type        = string
  default     = "{{ .owner }}"
}
