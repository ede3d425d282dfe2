# State lives in a remote backend. Fill in your platform's backend, for example:
#
#   terraform init -backend-config="bucket=<state bucket>" -backend-config="key=ledger-api/terraform.tfstate"
#
# and change "local" below to "s3", "gcs" or "azurerm" to match.
terraform {
  backend "local" {}
}
