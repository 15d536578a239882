"""The activity log: every change staff make, recorded by the service that makes it, in its
transaction (`activity_record`), read per council (the API, the back office's page)."""
