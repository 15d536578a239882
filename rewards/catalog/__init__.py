"""The catalog: things residents buy with points, each claim issuing a voucher."""
