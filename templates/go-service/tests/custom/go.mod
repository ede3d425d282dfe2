module github.com/acme/ledger-api

go 1.25
