from backend.errors import ErrorCode

EMAIL_TAKEN = ErrorCode("email_taken", 400)
INVALID_CREDENTIALS = ErrorCode("invalid_credentials", 401)
# A refresh token sent again after its reuse grace: its sign-in has ended (API.md, "For the
# app's developers").
TOKEN_REUSED = ErrorCode("token_reused", 401)
# Registration by someone who might be under 13: a parent or carer adds them instead (API.md,
# "Children and families").
TOO_YOUNG = ErrorCode("too_young", 400)
# Only a resident certainly 18 or over adds children.
NOT_AN_ADULT = ErrorCode("not_an_adult", 403)
