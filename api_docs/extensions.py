"""drf-spectacular extensions for the project's own classes (imported by ``ApiDocsConfig``)."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class BearerScheme(SimpleJWTScheme):
    """``accounts.authentication.BearerAuthentication`` is SimpleJWT's bearer token, as before."""

    target_class = "accounts.authentication.BearerAuthentication"
    match_subclasses = True
