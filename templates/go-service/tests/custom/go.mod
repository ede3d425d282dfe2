module github.com/acme-corp/ledger-api

go 1.25
