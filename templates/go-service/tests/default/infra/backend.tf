# Each environment has its own state: a Terraform workspace per environment (see README.md), so
# applying one environment never plans changes to another's resources.
#
# The local backend keeps each workspace's state under terraform.tfstate.d/<environment>/.
# Before a team shares it, move state to your platform's remote backend, for example:
#
#   backend "s3" {
#     bucket               = "<state bucket>"
#     key                  = "payments/terraform.tfstate"
#     workspace_key_prefix = "envs"   # state at envs/<environment>/payments/terraform.tfstate
#     region               = "<region>"
#     use_lockfile         = true
#   }
#
# then `terraform init -migrate-state`. gcs and azurerm keep one state per workspace as well.
terraform {
  backend "local" {}
}
