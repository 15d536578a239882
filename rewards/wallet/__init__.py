"""A resident's points: the wallet account, earning in lots, spending the soonest-lapsing lots
first, expiry, and the statement (``/me/ledger/``)."""
