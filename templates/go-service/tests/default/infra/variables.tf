variable "environment" {
  description = "Environment to provision: one of the overlays under deploy/k8s/overlays."
  type        = string

  validation {
    condition     = contains(["dev"], var.environment)
    error_message = "The environment must be one of dev."
  }
}

variable "service_name" {
  description = "Name of the service."
  type        = string
  default     = "payments"
}

variable "owner" {
  description = "Owning team, recorded as a label."
  type        = string
  default     = "team-payments"
}
