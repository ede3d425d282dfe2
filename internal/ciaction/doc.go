// Package ciaction holds the tests of idp's CI integrations, the GitHub Action (action.yml at the
// repository's root) and the GitLab CI component (templates/idp-update.yml), whose logic lives
// in scripts/action-install.sh and scripts/action-run.sh. It has no code of its own.
package ciaction
