from backend.errors import ErrorCode

EMAIL_TAKEN = ErrorCode("email_taken", 400)
INVALID_CREDENTIALS = ErrorCode("invalid_credentials", 401)
