provider "kubernetes" {
  # Reads KUBE_CONFIG_PATH (and KUBE_CTX), or the in-cluster config when run inside Kubernetes.
}

locals {
  labels = {
    "app.kubernetes.io/name"       = var.service_name
    "app.kubernetes.io/managed-by" = "terraform"
    "owner"                        = replace(var.owner, "/", ".")
    # Pod Security Admission: the namespace admits only pods that meet the restricted profile,
    # as deploy/k8s's do.
    "pod-security.kubernetes.io/enforce" = "restricted"
    "pod-security.kubernetes.io/audit"   = "restricted"
    "pod-security.kubernetes.io/warn"    = "restricted"
  }
}

resource "kubernetes_namespace_v1" "service" {
  metadata {
    name   = "${var.service_name}-${var.environment}"
    labels = local.labels
  }

  lifecycle {
    # One state per environment: the workspace names the environment, so another
    # environment's variables can never replace this one's namespace.
    precondition {
      condition     = terraform.workspace == var.environment
      error_message = "The workspace is \"${terraform.workspace}\" but the variables are for \"${var.environment}\": run terraform workspace select -or-create ${var.environment} first."
    }
  }
}
