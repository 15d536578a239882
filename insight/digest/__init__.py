"""The weekly digest by email: each venue manager gets their venue's week, each council admin
their council's, every Monday (Celery beat) or by ``manage.py send_digests``."""
