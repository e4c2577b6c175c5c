"""Docs the tests enforce: README covers every command, .env.example every setting."""

import re
from pathlib import Path

from bot.cli import main
from bot.config import VARIABLES, Settings

ROOT = Path(__file__).resolve().parent.parent


def test_every_cli_command_has_help_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, command in main.commands.items():
        assert command.help, f"{name} has no help text"
        assert f"briefing {name}" in readme or f"| `{name}`" in readme, f"README does not mention {name}"


def test_readme_quick_start_is_make_demo_and_make_test():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^(make \w+)$", quick, re.MULTILINE)
    assert commands == ["make demo", "make test"]


def test_env_example_lists_every_variable_with_its_default():
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    values = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    assert set(values) == set(VARIABLES)
    for name, (default, description) in VARIABLES.items():
        assert values[name] == default, name
        index = lines.index(f"{name}={default}")
        assert lines[index - 1].startswith("# "), f"{name} has no comment"
    fields = {f.upper() for f in Settings.__dataclass_fields__}
    assert fields == set(VARIABLES)


def test_settings_defaults_match_the_documented_ones(tmp_path):
    settings = Settings.load(env_file=None, environ={})
    for name, (default, _) in VARIABLES.items():
        assert str(getattr(settings, name.lower())) == default, name
    env = tmp_path / ".env"
    env.write_text("BRIEFING_DB=from-file.db\nBRIEFING_SUMMARY_SENTENCES=5\n", encoding="utf-8")
    loaded = Settings.load(env_file=env, environ={"BRIEFING_DB": "from-env.db"})
    assert loaded.briefing_db == "from-env.db" and loaded.briefing_summary_sentences == 5


def test_every_bot_command_is_in_the_readme_table_and_has_help():
    from bot.telegram.app import build_application
    from bot.telegram.handlers import registered_commands

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Bot commands", 1)[1].split("\n## ", 1)[0]
    application = build_application(Settings(telegram_bot_token="1:DOCS"))
    commands = registered_commands(application)
    assert {"who", "timeline", "subscribe", "feed"} <= {c.name for c in commands}
    for command in commands:
        assert command.description and command.description != command.name, f"/{command.name} has no docstring"
        assert re.search(rf"^\| `/{command.name}\b", table, re.MULTILINE), f"README's table lacks /{command.name}"
