variable "environment" {
  description = "Environment to provision: one of the overlays under deploy/k8s/overlays."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "The environment must be one of dev, staging, prod."
  }
}

variable "service_name" {
  description = "Name of the service."
  type        = string
  default     = "orders"
}

variable "owner" {
  description = "Owning team, recorded as a label."
  type        = string
  default     = "team-orders"
}
