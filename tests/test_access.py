"""Roles, modes, allow-list and audit (domain level; the bot's handlers are tested end to end)."""

import pytest

from bot.briefings import InvalidArgument
from bot.briefings.access import Access, AccessDenied, parse_user_id

OWNER, ADMIN, EDITOR, STRANGER = 1, 2, 3, 99


@pytest.fixture
def access(archive):
    return Access(archive, owners=[OWNER])


def test_owner_from_settings_and_open_mode_defaults(access):
    assert access.role_of(OWNER) == "owner"
    assert access.role_of(STRANGER) == "reader"
    assert access.check(STRANGER, 5, "reader") == "reader"
    with pytest.raises(AccessDenied, match="editor role to store articles"):
        access.check(STRANGER, 5, "editor")


def test_private_mode_and_allow_list(access):
    access.set_mode(OWNER, "private")
    with pytest.raises(AccessDenied, match="private newsroom bot"):
        access.check(STRANGER, -500, "reader")
    access.allow(OWNER, -500)
    assert access.check(STRANGER, -500, "reader") == "reader"
    access.deny(OWNER, -500)
    assert access.role_of(STRANGER, -500) is None


def test_grant_and_revoke_rules(access, archive):
    access.grant(OWNER, ADMIN, "admin")
    access.grant(ADMIN, EDITOR, "editor")
    assert access.role_of(EDITOR) == "editor"
    with pytest.raises(AccessDenied):
        access.grant(ADMIN, STRANGER, "admin")  # only owners make admins
    with pytest.raises(AccessDenied):
        access.revoke(ADMIN, OWNER)
    with pytest.raises(AccessDenied):
        access.grant(EDITOR, STRANGER, "reader")
    with pytest.raises(InvalidArgument, match="unknown role"):
        access.grant(OWNER, STRANGER, "emperor")
    with pytest.raises(InvalidArgument, match="only owner"):
        access.revoke(OWNER, OWNER)
    assert access.revoke(ADMIN, EDITOR) == "editor"
    actions = [row[3] for row in archive.audit_log()]
    assert actions[:3] == ["revoke", "grant", "grant"]


def test_parse_user_id():
    assert parse_user_id(" 42 ") == 42 and parse_user_id("-100123") == -100123
    for bad in ("abc", "", "1" * 30, "<b>1</b>"):
        with pytest.raises(InvalidArgument):
            parse_user_id(bad)


def test_backup_and_export_are_consistent(seeded, tmp_path):
    import io
    import json

    from storage import Archive

    backup = seeded.archive.backup(tmp_path / "backup.db")
    copy = Archive(backup)
    assert copy.count_articles() == 2 and copy.integrity_ok()
    buffer = io.StringIO()
    assert seeded.archive.export_jsonl(buffer) == 2
    rows = [json.loads(line) for line in buffer.getvalue().splitlines()]
    assert {r["source"] for r in rows} == {"News.Az", "AzerNews"} and rows[0]["summaries"]
