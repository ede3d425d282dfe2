provider "kubernetes" {
  # Reads KUBE_CONFIG_PATH, or the in-cluster config when run inside Kubernetes.
}

locals {
  labels = {
    "app.kubernetes.io/name"       = var.service_name
    "app.kubernetes.io/managed-by" = "terraform"
    "owner"                        = replace(var.owner, "/", ".")
  }
}

resource "kubernetes_namespace_v1" "service" {
  metadata {
    name   = "${var.service_name}-${var.environment}"
    labels = local.labels
  }
}
