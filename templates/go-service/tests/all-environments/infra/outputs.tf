output "namespace" {
  description = "Namespace the service runs in."
  value       = kubernetes_namespace_v1.service.metadata[0].name
}
