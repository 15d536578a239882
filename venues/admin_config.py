"""``django.contrib.admin`` with the project's site (venues.back_office.site.BackOfficeSite), and
django-axes named in the reader's language. Kept apart from the site because INSTALLED_APPS
imports it before any model can be."""

from axes.apps import AppConfig as AxesAppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class BackOfficeAdminConfig(AdminConfig):
    default_site = "venues.back_office.site.BackOfficeSite"


class SignInProtectionConfig(AxesAppConfig):
    """django-axes (INSTALLED_APPS), as the back office names it: axes leaves its app's name
    ("Axes") unmarked, so the sidebar and every permission said it in English."""

    verbose_name = _("Sign-in protection")
