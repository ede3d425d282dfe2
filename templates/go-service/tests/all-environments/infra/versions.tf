terraform {
  # terraform or OpenTofu; 1.6 is where both have `workspace select -or-create`.
  required_version = ">= 1.6.0"

  required_providers {
    kubernetes = {
      source = "hashicorp/kubernetes"
      # Held at major version 2 (2.38 is the newest planned against this code); Renovate raises
      # the move to 3 as its own pull request, to be merged after a plan shows no replacement.
      version = "~> 2.38"
    }
  }
}
