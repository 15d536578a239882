"""``django.contrib.admin`` with the project's site (venues.back_office.site.BackOfficeSite).
Kept apart from the site because INSTALLED_APPS imports it before any model can be."""

from django.contrib.admin.apps import AdminConfig


class BackOfficeAdminConfig(AdminConfig):
    default_site = "venues.back_office.site.BackOfficeSite"
