"""Children in a family (issue 25, the ICO Children's code).

A child is an account of its own (``User`` with ``guardian`` set to the parent or carer who
added them), so check-ins, wallets, vouchers, points, claims and erasure all work for a child
exactly as for anyone: the child's are the child's. A child's account can never sign in: it has
no usable password, and its email is a placeholder nobody receives (``child-<uuid>@children.
invalid``); the parent acts for the child (the poster page's "Check in: me / Sam", the desk's
member code, the family pages and ``/api/v1/me/children/``).
"""
