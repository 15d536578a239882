import io

from django.core.management import call_command

from venues.checks import qr_signing_key_check
from venues.posters.tokens import public_key_set


def generated_key() -> tuple[str, str]:
    out = io.StringIO()
    call_command("qr_keygen", stdout=out)
    text = out.getvalue()
    kid = text.splitlines()[0].split(": ")[1]
    private = text[text.index("-----BEGIN PRIVATE KEY") : text.index("-----END PRIVATE KEY")]
    return kid, private + "-----END PRIVATE KEY-----\n"


def test_without_a_signing_key_check_deploy_warns(settings):
    settings.QR_SIGNING_KEY = ""
    assert [message.id for message in qr_signing_key_check(None)] == ["venues.W001"]


def test_a_generated_key_passes_the_check_and_signs_with_its_kid(settings):
    kid, pem = generated_key()
    settings.QR_SIGNING_KEY = pem
    assert qr_signing_key_check(None) == []
    assert [key["kid"] for key in public_key_set()["keys"]] == [kid]


def test_an_unusable_key_is_an_error(settings):
    settings.QR_SIGNING_KEY = "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n"
    assert [message.id for message in qr_signing_key_check(None)] == ["venues.E001"]
