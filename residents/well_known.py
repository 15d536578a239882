"""The app hand-over files: with them a phone opens ``/q/*`` links in the council's app when it
is installed (iOS universal links, Android app links), and in the browser otherwise.

Both are built from settings and are 404 until the app is named (see .env.example).
"""

from django.conf import settings
from django.http import Http404, JsonResponse
from django.views.decorators.http import require_safe

APP_PATHS = ["/q/*"]


@require_safe
def apple_app_site_association(request):
    if not settings.IOS_APP_IDS:
        raise Http404("No iOS app is configured.")
    body = {
        "applinks": {
            "details": [
                {
                    "appIDs": list(settings.IOS_APP_IDS),
                    "components": [{"/": path} for path in APP_PATHS],
                    # iOS 12 and older read these instead of the two above.
                    "appID": settings.IOS_APP_IDS[0],
                    "paths": APP_PATHS,
                }
            ]
        }
    }
    return _json(body)


@require_safe
def assetlinks(request):
    if not (settings.ANDROID_APP_PACKAGE and settings.ANDROID_APP_SHA256_FINGERPRINTS):
        raise Http404("No Android app is configured.")
    body = [
        {
            "relation": ["delegate_permission/common.handle_all_urls"],
            "target": {
                "namespace": "android_app",
                "package_name": settings.ANDROID_APP_PACKAGE,
                "sha256_cert_fingerprints": list(settings.ANDROID_APP_SHA256_FINGERPRINTS),
            },
        }
    ]
    return _json(body)


def _json(body) -> JsonResponse:
    response = JsonResponse(body, safe=False)
    response["Cache-Control"] = "public, max-age=3600"
    return response
