"""What the checkins app holds about a person, for export and erasure (accounts.personal_data)."""

from checkins.comments.services import hidden_reason_shown
from checkins.models import CheckIn, CheckinAttempt, Comment, CommentReply, CommentReport


def export_checkins(user) -> list[dict]:
    return [
        {
            "id": str(checkin.id),
            "venue": str(checkin.venue_id),
            "venue_name": checkin.venue.name,
            "method": checkin.method,
            "evidence": checkin.evidence,
            "voided_at": checkin.voided_at,
            "void_reason": checkin.void_reason,
            "distance_m": checkin.distance_m,
            "latitude": checkin.latitude,
            "longitude": checkin.longitude,
            "accuracy_m": checkin.accuracy_m,
            "created_at": checkin.created_at,
        }
        for checkin in CheckIn.objects.filter(resident=user).select_related("venue")
    ]


def export_refused_checkins(user) -> list[dict]:
    return [
        {
            "venue": str(attempt.venue_id) if attempt.venue_id else None,
            "reason": attempt.reason,
            "detail": attempt.detail,
            "latitude": attempt.latitude,
            "longitude": attempt.longitude,
            "created_at": attempt.created_at,
        }
        for attempt in CheckinAttempt.objects.filter(resident=user)
    ]


def export_comments(user) -> list[dict]:
    return [
        {
            "id": str(comment.id),
            "venue": str(comment.venue_id),
            "body": comment.body,
            "rating": comment.rating,
            "status": comment.status,
            "hidden_reason": hidden_reason_shown(comment),
            "created_at": comment.created_at,
            "reply": _reply(getattr(comment, "reply", None)),
        }
        for comment in Comment.objects.filter(author=user).select_related("reply", "venue")
    ]


def _reply(reply: CommentReply | None) -> dict | None:
    if reply is None:
        return None
    return {"body": reply.body, "signed_as": reply.signed_as, "at": reply.updated_at}


def export_comment_replies(user) -> list[dict]:
    """Replies this person last wrote for a venue (staff): signed by the venue or council, but
    theirs."""
    return [
        {
            "comment": str(reply.comment_id),
            "body": reply.body,
            "signed_as": reply.signed_as,
            "created_at": reply.created_at,
            "updated_at": reply.updated_at,
        }
        for reply in CommentReply.objects.filter(author=user)
    ]


def export_comment_reports(user) -> list[dict]:
    return [
        {
            "comment": str(report.comment_id),
            "reason": report.reason,
            "created_at": report.created_at,
        }
        for report in CommentReport.objects.filter(reporter=user)
    ]


def erase_checkins(user) -> None:
    """Visits stay (venue statistics and, later, the ledger refer to them) but lose where the
    phone was; refused attempts go; the person's words go with them."""
    CheckIn.objects.filter(resident=user).update(latitude=None, longitude=None, accuracy_m=None)
    CheckinAttempt.objects.filter(resident=user).delete()
    Comment.objects.filter(author=user).delete()
    CommentReport.objects.filter(reporter=user).delete()
