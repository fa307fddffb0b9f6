import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_every_environment_variable_the_settings_read_is_documented_in_env_example():
    # given the names the settings read from the environment
    source = (ROOT / "innerwork" / "settings" / "__init__.py").read_text()
    read = set(re.findall(r'env\.(?:str|bool|int|list|db|float)\(\s*"([A-Z0-9_]+)"', source))
    # and the names .env.example documents
    documented = set(re.findall(r"^([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), flags=re.M))

    # then every variable read has its documented default, and nothing documented is unused
    assert read, "the settings read no environment variable: the pattern above is stale"
    assert read - documented == set()
    assert documented - read == set()
