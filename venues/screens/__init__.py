"""The desk screen: a venue's rotating check-in code, shown as a QR on a tablet by the door."""
