"""`.env.example` documents every variable the settings read (the brief: every setting)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_environment_variable_the_settings_read_is_in_env_example():
    source = "".join(
        (ROOT / "backend" / name).read_text()
        for name in ["settings.py", "observability.py", "public_service.py"]
    )
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', source))
    documented = set(
        re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M)
    )
    assert len(read) > 40  # the pattern still finds the settings
    assert read - documented == set()
