"""A family's pages: a parent's children (add, card, wallet, delete) and the children's
privacy notice in plain words (issue 25, the ICO Children's code)."""
