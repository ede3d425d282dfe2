module github.com/team-payments/payments

go 1.26
