"""`tutorbot` as an operator runs it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tutorbot.cli import main


def test_run_without_a_token_says_what_to_set_and_exits_non_zero(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "DISCORD_TOKEN is not set" in err
    assert "DISCORD_TOKEN=<your bot token>" in err
    assert not (tmp_path / "x.db").exists()  # nothing half-started


def test_bot_without_a_token_is_refused_too(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCORD_TOKEN", "   ")
    assert main(["bot"]) == 2
    assert "DISCORD_TOKEN" in capsys.readouterr().err


def test_migrate_builds_the_schema_on_a_fresh_sqlite_file(monkeypatch, tmp_path):
    path = tmp_path / "fresh.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    assert main(["migrate"]) == 0
    import sqlite3

    with sqlite3.connect(path) as db:
        tables = {row[0] for row in db.execute("select name from sqlite_master")}
    assert {"booking", "scheduled_action", "ledger_entry", "alembic_version"} <= tables


def test_the_token_never_appears_in_the_logs(tmp_path):
    secret = "secret-token-do-not-log-123"
    env = {
        "PATH": "/usr/bin:/bin",
        "DISCORD_TOKEN": secret,
        "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}",
        "LOG_LEVEL": "DEBUG",
        "WEB_PORT": "0",
    }
    done = subprocess.run(
        [sys.executable, "-m", "tutorbot.cli", "bot"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1  # nobody answers on port 9
    assert "Could not reach Discord at http://127.0.0.1:9/api/v10" in done.stderr
    assert "Traceback" not in done.stderr
    assert secret not in done.stdout + done.stderr


@pytest.mark.parametrize("argv", [[], ["nonsense"]])
def test_usage_errors_exit_with_a_message(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "usage: tutorbot" in capsys.readouterr().err


def test_web_on_a_taken_port_says_so(monkeypatch, capsys, tmp_path):
    import socket

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
        monkeypatch.setenv("WEB_PORT", str(taken.getsockname()[1]))
        assert main(["web"]) == 1
        assert "cannot listen on 127.0.0.1" in capsys.readouterr().err
    finally:
        taken.close()


def test_keys_generate_prints_a_fernet_key(capsys):
    from marketplace.storage.sealing import DataKeys

    assert main(["keys", "generate"]) == 0
    key = capsys.readouterr().out.strip()
    assert DataKeys.parse(key).keys == (key.encode(),)


def test_keys_rotate_on_sqlite_uses_the_key_file_made_on_first_run(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TUTORBOT_DATA_KEYS", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'campus.db'}")
    assert main(["migrate"]) == 0
    assert main(["keys", "rotate"]) == 0
    assert "resealed 0 values" in capsys.readouterr().out
    assert (tmp_path / "campus.key").exists()


def test_keys_rotate_on_postgresql_without_keys_says_what_to_set(monkeypatch, capsys):
    monkeypatch.delenv("TUTORBOT_DATA_KEYS", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/none")
    assert main(["keys", "rotate"]) == 2
    assert "TUTORBOT_DATA_KEYS is not set" in capsys.readouterr().err


def test_a_malformed_data_key_is_refused_in_one_sentence(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TUTORBOT_DATA_KEYS", "not-a-key")
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    assert main(["keys", "rotate"]) == 2
    assert "not a Fernet key" in capsys.readouterr().err
