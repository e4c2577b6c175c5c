"""The `briefing` CLI, run as a user runs it (subprocess) and through click's runner."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main

ROOT = Path(__file__).resolve().parent.parent
BRIEFING = Path(sys.executable).with_name("briefing")


def run(*args: str, db: Path, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    command = [str(BRIEFING)] if BRIEFING.exists() else [sys.executable, "-m", "bot.cli"]
    return subprocess.run(
        [*command, "--db", str(db), *args], cwd=ROOT, input=stdin, capture_output=True, text=True,
        timeout=120, env={**os.environ, **(env or {})},
    )


@pytest.fixture
def cli(db_path):
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(main, ["--db", str(db_path), *args], input=input, catch_exceptions=False)

    return invoke


def test_demo_then_ingest_twice_leaves_two_articles_and_search_finds_both(db_path):
    demo = run("demo", db=db_path)
    assert demo.returncode == 0, demo.stderr
    assert "stored as #1" in demo.stdout and "stored as #2" in demo.stdout
    assert "AzerNews · 2025-05-27" in demo.stdout
    assert "News.Az · date unknown" in demo.stdout
    assert "Top entities:" in demo.stdout and "Try next:" in demo.stdout
    for _ in range(2):
        again = run("ingest", "seeds/", db=db_path)
        assert again.returncode == 0, again.stderr
        assert again.stdout.count("already stored as #") == 2
    listed = json.loads(run("list", "--json", db=db_path).stdout)
    assert len(listed) == 2
    hits = json.loads(run("search", "France", "--json", db=db_path).stdout)
    assert sorted(h["id"] for h in hits) == [1, 2]


def test_demo_json_is_machine_readable(cli):
    result = cli("demo", "--json")
    data = json.loads(result.output)
    assert data["digest"]["total_articles"] == 2
    assert all(len(item["summary"]) == 3 for item in data["digest"]["items"])


def test_every_subcommand_has_json(cli, tmp_path):
    cli("ingest", "seeds")
    article = tmp_path / "a.txt"
    article.write_text("Budget passes\nThe council passed the budget. Schools get more. Roads get less. "
                       "The mayor was pleased.", encoding="utf-8")
    outputs = {
        "ingest": cli("ingest", str(article), "--json"),
        "summarize": cli("summarize", "1", "--json", "--method", "lexrank", "--sentences", "2"),
        "summarize-file": cli("summarize", str(article), "--json", "--method", "lead", "-n", "1"),
        "search": cli("search", "Macron", "--json"),
        "digest": cli("digest", "--json", "--since", "2000-01-01"),
        "list": cli("list", "--json"),
        "show": cli("show", "2", "--json"),
        "methods": cli("methods", "--json"),
        "stats": cli("stats", "--json"),
    }
    parsed = {name: json.loads(result.output) for name, result in outputs.items()}
    assert parsed["ingest"]["stored"] == 1
    assert parsed["summarize"]["method"] == "lexrank" and len(parsed["summarize"]["sentences"]) == 2
    assert parsed["summarize-file"]["sentences"] == ["The council passed the budget."]
    assert parsed["search"] and parsed["digest"]["total_articles"] == 3
    assert parsed["show"]["published_at"] == "2025-05-27"
    assert {m["name"] for m in parsed["methods"]} >= {"lexrank", "lead", "newsrank"}
    assert parsed["stats"]["articles"] == 3 and parsed["stats"]["schema_version"] >= 3


def test_human_output(cli):
    cli("ingest", "seeds")
    shown = cli("show", "2", "--no-text").output
    assert shown.startswith("#2 Pardon of French national")
    assert "Summary:" in shown and "Entities:" in shown
    assert "#1" in cli("list").output
    assert "«Macron»" in cli("search", "Macron").output
    assert "No articles match" in cli("search", "zebra").output
    assert "newsrank" in cli("methods").output


def test_stdin_ingest(cli):
    result = cli("ingest", "-", "--source", "Wire", input="Storm hits coast\nA storm hit the coast overnight.")
    assert "stored as #1: Storm hits coast" in result.output
    assert json.loads(cli("show", "1", "--json").output)["source"] == "Wire"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show", "abc"), "not an article id"),
        (("show", "999"), "no article #999"),
        (("summarize", "999"), "no article #999"),
        (("search", " "), "give words to search for"),
        (("digest", "--since", "blorp"), "cannot read --since"),
        (("ingest", "nowhere/"), "no such file or folder"),
    ],
)
def test_errors_are_one_line_with_exit_code_1(db_path, args, message):
    result = run(*args, db=db_path)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_files_fail_but_good_ones_are_stored(db_path, tmp_path):
    (tmp_path / "good.txt").write_text("Good story\nThis one is fine.", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "bin.txt").write_bytes(os.urandom(4096))
    result = run("ingest", str(tmp_path), db=db_path)
    assert result.returncode == 1
    assert "stored as #1: Good story" in result.stdout
    assert "empty.txt is empty" in result.stderr and "binary" in result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads(run("stats", "--json", db=db_path).stdout)["articles"] == 1


def test_not_a_database_is_a_clear_error(tmp_path):
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"hello" * 1000)
    result = run("list", db=bogus)
    assert result.returncode == 1 and "cannot open" in result.stderr
    assert bogus.read_bytes() == b"hello" * 1000  # untouched


def test_db_from_environment(tmp_path):
    db = tmp_path / "env.db"
    result = subprocess.run([str(BRIEFING), "ingest", "seeds"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, env={**os.environ, "BRIEFING_DB": str(db)})
    assert result.returncode == 0, result.stderr
    assert db.exists()


def test_many_files_show_a_summary_line(cli, tmp_path):
    for i in range(6):
        (tmp_path / f"{i}.txt").write_text(f"Story {i}\nThis is story number {i} about the budget.", encoding="utf-8")
    result = cli("ingest", str(tmp_path))
    assert "6 stored, 0 already stored, 0 failed" in result.output


def test_who_timeline_entities_commands(cli, tmp_path):
    cli("ingest", "seeds")
    dossier = json.loads(cli("who", "France", "--json").output)
    assert {"Emmanuel Macron", "Azerbaijan", "Armenia"} <= {e["name"] for e in dossier["related"]}
    watson = json.loads(cli("who", "Neil", "Watson", "--json").output)
    assert watson["roles"][0]["description"] == "British journalist and political analyst"
    assert any("on the cusp of a breakthrough" in q["text"] for q in watson["quotes"])
    assert json.loads(cli("who", "Aliyev", "--json").output)["name"] == "Ilham Aliyev"
    human = cli("who", "Neil Watson").output
    assert "Role: British journalist and political analyst" in human and "Quotes:" in human
    events = json.loads(cli("timeline", "--json").output)["events"]
    dates = [e["date"] for e in events]
    for expected in ("2020-09", "2024-03", "2025-05-27", "2025-08"):
        assert expected in dates
    png = tmp_path / "timeline.png"
    shown = cli("timeline", "2020..2025", "--png", str(png)).output
    assert "Timeline" in shown and "27 May 2025" in shown
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    top = json.loads(cli("entities", "--limit", "3", "--json").output)
    assert top[0]["name"] == "France"


def test_who_and_timeline_errors(db_path):
    run("ingest", "seeds", db=db_path)
    for args, message in ((("who", "Frnace"), "did you mean: France"), (("who", "x" * 500), "too long"),
                          (("timeline", "2025..2020"), "starts after it ends"), (("who", "🙂"), "letters")):
        result = run(*args, db=db_path)
        assert result.returncode == 1 and message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_export_and_feeds_commands(cli, tmp_path):
    cli("ingest", "seeds")
    jsonl, backup = tmp_path / "a.jsonl", tmp_path / "b.db"
    assert "2 articles written" in cli("export", "--jsonl", str(jsonl), "--backup", str(backup)).output
    assert len(jsonl.read_text(encoding="utf-8").splitlines()) == 2 and backup.stat().st_size > 0
    assert "added feed #1" in cli("feeds", "add", "https://example.org/rss").output
    assert "already added" in cli("feeds", "add", "https://example.org/rss").output
    opml = tmp_path / "feeds.opml"
    opml.write_text(cli("feeds", "export").output, encoding="utf-8")
    assert json.loads(cli("feeds", "list", "--json").output)[0]["url"] == "https://example.org/rss"
    assert "removed feed #1" in cli("feeds", "remove", "1").output
    assert "1 feed(s) added" in cli("feeds", "import", str(opml)).output
