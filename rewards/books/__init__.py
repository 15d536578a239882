"""The ledger as the back office reads it, seen through offers and catalog items (see
`rewards.books.admin`)."""
