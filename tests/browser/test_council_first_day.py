"""A council's first day, from the pages alone, in Chromium: the superuser makes the council
and invites its admin; the admin accepts from the email, imports the venues, invites a manager
and a staff member; each accepts and lands where their work is; the admin reads the activity
log. Axe runs on every page the journey opens; screenshots of each step go to
tests/browser/screenshots/."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from tests.browser.axe import assert_accessible
from tests.factories import DEFAULT_PASSWORD, UserFactory
from venues.activity.models import ActivityEntry
from venues.invitations.models import Invitation
from venues.models import Council, Role, Venue

pytestmark = pytest.mark.django_db(transaction=True)

CSV = (
    "name,category,address,postcode,latitude,longitude\n"
    "Huddersfield Library,library,Princess Alexandra Walk,HD1 2SU,53.6465,-1.7837\n"
    "Dewsbury Library,library,Railway Street,WF12 8EQ,53.6905,-1.6310\n"
    "Batley Sports Centre,leisure_centre,Cambridge Street,WF17 5JH,53.7066,-1.6316\n"
)
LINK = re.compile(r"https?://[^/\s]+(/invitations/[^/\s]+/)")
NEW_PASSWORD = "kirklees-first-day-2026"


def invitation_link_to(email: str) -> str:
    links = [LINK.search(m.body)[1] for m in mail.outbox if m.to == [email]]
    assert links, f"no invitation reached {email}"
    return links[-1]


def checked(pages, page, label: str) -> None:
    """Every page of the journey: axe-clean, no script or CSP error, and a screenshot."""
    assert_accessible(page)
    pages.screenshot(page, label)
    assert pages.page_errors == [], pages.page_errors


def accept_as_newcomer(pages, email: str, name: str, *, phone: bool = False):
    page = pages.open(phone=phone)
    page.goto(invitation_link_to(email))
    expect(page.get_by_role("heading", name="You are invited")).to_be_visible()
    checked(pages, page, f"invitation-{name.split()[0].lower()}")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_label("What year were you born?").fill("1985")
    page.get_by_role("button", name="Create account and accept").click()
    return page


def test_a_council_goes_live_on_its_own(pages, tmp_path):
    superuser = UserFactory(email="it@supplier.example.org", is_superuser=True, is_staff=True)

    # The superuser makes the council and invites its first admin, in one form.
    it = pages.open()
    it.goto("/admin/")
    it.get_by_label("Email").fill(superuser.email)
    it.get_by_label("Password").fill(DEFAULT_PASSWORD)
    it.get_by_role("button", name="Log in").click()
    expect(it.get_by_role("heading", name="What you manage")).to_be_visible()
    it.get_by_role("link", name="Councils", exact=True).click()
    checked(pages, it, "councils")
    it.get_by_role("link", name="Add council").click()
    it.get_by_label("Name:").fill("Kirklees Council")
    it.get_by_label("Name:").press("Tab")
    expect(it.get_by_label("Slug:")).to_have_value("kirklees-council")  # made from the name
    it.get_by_label("First admin's email:").fill("Ada@Kirklees.gov.uk")
    checked(pages, it, "new-council")
    it.get_by_role("button", name="Save", exact=True).click()
    expect(it.get_by_text("its first admin was sent an invitation")).to_be_visible()
    checked(pages, it, "council-created")
    council = Council.objects.get(slug="kirklees-council")

    # The admin accepts from the email, makes their account, and lands in the back office.
    admin_page = accept_as_newcomer(pages, "ada@kirklees.gov.uk", "Ada Admin")
    expect(admin_page.get_by_role("heading", name="What you manage")).to_be_visible()
    expect(admin_page.get_by_text("Welcome: you are now council admin of Kirklees")).to_be_visible()
    checked(pages, admin_page, "admin-lands-in-the-back-office")
    ada = User.objects.get(email="ada@kirklees.gov.uk")
    assert Role.objects.filter(user=ada, council=council, role="council_admin").exists()

    # ... imports the council's venues from CSV ...
    admin_page.get_by_role("link", name="Venues", exact=True).first.click()
    checked(pages, admin_page, "venues-before-import")
    admin_page.get_by_role("link", name="Import from CSV").click()
    checked(pages, admin_page, "import-form")
    csv_file = tmp_path / "kirklees-venues.csv"
    csv_file.write_text(CSV, encoding="utf-8")
    admin_page.get_by_label("CSV file").set_input_files(str(csv_file))
    admin_page.get_by_role("button", name="Import").click()
    report = admin_page.locator("#import-report")
    assert report.locator("tr", has_text="Created").inner_text().split()[-1] == "3"
    checked(pages, admin_page, "venues-imported")
    library = Venue.objects.get(council=council, name="Huddersfield Library")

    # ... and invites a manager for the library and a member of its staff.
    for email, role in (
        ("mo@kirklees.gov.uk", "venue manager"),
        ("sam@kirklees.gov.uk", "venue staff"),
    ):
        admin_page.goto("/admin/venues/invitation/")
        admin_page.get_by_role("link", name="Invite someone").click()
        expect(admin_page.get_by_role("heading", name="Invite someone")).to_be_visible()
        admin_page.get_by_label("Email:").fill(email)
        admin_page.get_by_label("Role:").select_option(label=role)
        admin_page.get_by_label("Venue:").select_option(
            label="Huddersfield Library (Kirklees Council)"
        )
        checked(pages, admin_page, f"invite-{role.split()[-1].lower()}")
        admin_page.get_by_role("button", name="Save", exact=True).click()
        expect(admin_page.get_by_text(f"Invitation sent to {email}")).to_be_visible()
    pending = admin_page.locator("#result_list tbody tr")
    expect(pending).to_have_count(2)
    expect(admin_page.locator("#result_list")).to_contain_text("Pending")
    checked(pages, admin_page, "pending-invitations")

    # The manager accepts and lands in the back office, with their venue and nothing else.
    manager_page = accept_as_newcomer(pages, "mo@kirklees.gov.uk", "Mo Manager")
    expect(manager_page.get_by_role("heading", name="What you manage")).to_be_visible()
    checked(pages, manager_page, "manager-lands-in-the-back-office")
    manager_page.get_by_role("link", name="Venues", exact=True).first.click()
    expect(manager_page.locator("#result_list tbody tr")).to_have_count(1)
    expect(manager_page.locator("#result_list")).to_contain_text("Huddersfield Library")
    header = manager_page.locator(".staff-nav")
    expect(header).to_contain_text("Insight: Huddersfield Library")
    expect(header).not_to_contain_text("Activity log")
    checked(pages, manager_page, "manager-venues")

    # The staff member accepts on their phone and lands at the desk.
    staff_page = accept_as_newcomer(pages, "sam@kirklees.gov.uk", "Sam Staff", phone=True)
    expect(staff_page.get_by_role("heading", name="Redeem a voucher")).to_be_visible()
    expect(staff_page.get_by_text("At Huddersfield Library", exact=True)).to_be_visible()
    checked(pages, staff_page, "staff-lands-at-the-desk")

    # The admin reads the day in the activity log, from the staff header.
    admin_page.goto("/admin/")
    admin_page.locator(".staff-nav").get_by_role("link", name="Activity log").click()
    log = admin_page.locator("#result_list")
    for line in (
        "Kirklees Council was created.",
        "ada@kirklees.gov.uk accepted the invitation as council admin of Kirklees Council.",
        "Imported kirklees-venues.csv: 3 created, 0 updated, 0 unchanged, 0 rejected.",
        "mo@kirklees.gov.uk was invited as venue manager at Huddersfield Library.",
        "sam@kirklees.gov.uk became venue staff of Huddersfield Library.",
    ):
        expect(log).to_contain_text(line)
    checked(pages, admin_page, "activity-log")

    assert not Invitation.objects.filter(accepted_at__isnull=True).exists()
    assert set(
        Role.objects.filter(council=council).values_list("user__email", "role", "venue")
    ) == {
        ("ada@kirklees.gov.uk", "council_admin", None),
        ("mo@kirklees.gov.uk", "venue_manager", library.pk),
        ("sam@kirklees.gov.uk", "venue_staff", library.pk),
    }
    assert ActivityEntry.objects.filter(council=council, actor=superuser).exists()
