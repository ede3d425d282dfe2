module example.com/team-payments/payments

go 1.26
