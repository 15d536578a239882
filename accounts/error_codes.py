from backend.errors import ErrorCode

EMAIL_TAKEN = ErrorCode("email_taken", 400)
INVALID_CREDENTIALS = ErrorCode("invalid_credentials", 401)
# A refresh token sent again after its reuse grace: its sign-in has ended (API.md, "For the
# app's developers").
TOKEN_REUSED = ErrorCode("token_reused", 401)
