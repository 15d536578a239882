import contextlib

import pytest


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """``with committing(): ...``: what the block queues for after its commit (the emails'
    jobs) runs as the block ends, as it would once a request's transaction commits."""

    @contextlib.contextmanager
    def block():
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return block
