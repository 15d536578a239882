"""The app hand-over files, built from settings; 404 until the app is named."""

import pytest
from django.test import Client

AASA = "/.well-known/apple-app-site-association"
ASSETLINKS = "/.well-known/assetlinks.json"


@pytest.fixture
def client():
    return Client()


@pytest.mark.parametrize("path", [AASA, ASSETLINKS])
def test_without_an_app_each_file_is_not_found(client, settings, path):
    settings.IOS_APP_IDS = []
    settings.ANDROID_APP_PACKAGE = ""
    settings.ANDROID_APP_SHA256_FINGERPRINTS = []
    assert client.get(path).status_code == 404


def test_apple_app_site_association_names_the_app_and_the_poster_paths(client, settings):
    settings.IOS_APP_IDS = ["ABCDE12345.uk.gov.leeds.checkins"]
    response = client.get(AASA)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    [details] = response.json()["applinks"]["details"]
    assert details["appIDs"] == ["ABCDE12345.uk.gov.leeds.checkins"]
    assert details["components"] == [{"/": "/q/*"}]


def test_assetlinks_names_the_package_and_its_certificates(client, settings):
    settings.ANDROID_APP_PACKAGE = "uk.gov.leeds.checkins"
    settings.ANDROID_APP_SHA256_FINGERPRINTS = ["14:6D:E9", "AA:BB:CC"]
    response = client.get(ASSETLINKS)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json() == [
        {
            "relation": ["delegate_permission/common.handle_all_urls"],
            "target": {
                "namespace": "android_app",
                "package_name": "uk.gov.leeds.checkins",
                "sha256_cert_fingerprints": ["14:6D:E9", "AA:BB:CC"],
            },
        }
    ]
