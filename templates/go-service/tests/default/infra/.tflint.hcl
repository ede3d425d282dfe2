# tflint's bundled Terraform rules, all of them: `tflint` in infra/ runs them (no plugin download).
plugin "terraform" {
  enabled = true
  preset  = "all"
}
