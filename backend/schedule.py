"""The Celery beat schedule, read by settings as ``CELERY_BEAT_SCHEDULE``."""

from celery.schedules import crontab

# Times are London wall-clock (CELERY_TIMEZONE). The daily jobs run after
# 02:00, so the clock changes (01:00-02:00 skipped in March, repeated in October) neither skip
# nor repeat them (the hourly purge may, harmlessly). A run no worker has started within a few
# hours is dropped (expires) rather than piling up: the next run catches up.
_DAILY = {"expires": 4 * 3600}
BEAT_SCHEDULE = {
    "foursquare-nightly-sync": {
        "task": "venues.tasks.foursquare_nightly_sync",
        "schedule": crontab(hour=2, minute=30),
        "options": _DAILY,
    },
    "expire-points": {
        "task": "rewards.tasks.expire_points",
        "schedule": crontab(hour=3, minute=10),
        "options": _DAILY,
    },
    "expire-vouchers": {
        "task": "rewards.tasks.expire_vouchers",
        "schedule": crontab(hour=3, minute=20),
        "options": _DAILY,
    },
    "drop-old-locations": {
        "task": "checkins.tasks.drop_old_locations",
        "schedule": crontab(hour=3, minute=40),
        "options": _DAILY,
    },
    "purge-token-records": {
        "task": "accounts.tasks.purge_token_records",
        "schedule": crontab(hour=3, minute=50),
        "options": _DAILY,
    },
    "purge-idempotency-keys": {
        "task": "backend.tasks.purge_idempotency_keys",
        "schedule": crontab(minute=5),
        "options": {"expires": 55 * 60},
    },
    # Points left in a scheme that was grouped into another (a check-in racing the grouping).
    "settle-points-schemes": {
        "task": "rewards.tasks.settle_points_schemes",
        "schedule": crontab(minute=25),
        "options": {"expires": 55 * 60},
    },
    # Promotion codes are created as vouchers are issued; this catches up what failed then.
    "stripe-outbox": {
        "task": "rewards.tasks.stripe_outbox_drain",
        "schedule": crontab(minute="*"),
        "options": {"expires": 55},
    },
    # Comment alerts to venue managers and reply emails to residents are sent as they are
    # made; this sends what those jobs missed (a broker that was down, a mail server refusing).
    "comment-emails": {
        "task": "checkins.tasks.comment_emails_sweep",
        "schedule": crontab(minute="*"),
        "options": {"expires": 55},
    },
    # Alerts whose email could not be queued when they were raised (a broker outage); each is
    # sent once however often this runs (checkins.alerts.services.alert_notify).
    "alerts-email": {
        "task": "checkins.tasks.alerts_notify_pending",
        "schedule": crontab(minute="*/10"),
        "options": {"expires": 9 * 60},
    },
    # Last week's digest to council admins and venue managers; once per person per week
    # however often it runs (insight.digest.services), so a repeated run is harmless.
    "weekly-digest": {
        "task": "insight.tasks.send_weekly_digests",
        "schedule": crontab(hour=8, minute=0, day_of_week="mon"),
        "options": {"expires": 12 * 3600},
    },
}
