"""The command line speaks to a first user: help that says what each command reads, a
token command that refuses nonsense and warns before a token the API would refuse, and
printed commands as the user installed them."""

from __future__ import annotations

from pathlib import Path

import pytest

from upc import cli
from upc.hints import api_base, upc_command
from upc.preflight import DataDirLock
from upc.settings import Settings


def help_of(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as stopped:
        cli.main(argv)
    assert stopped.value.code == 0
    return capsys.readouterr().out


def test_upc_help_lists_every_command_in_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    text = help_of(["--help"], capsys)
    assert "``" not in text and ":class:" not in text
    for name in cli.COMMANDS:
        assert f"    {name}" in text, name


@pytest.mark.parametrize("command", sorted(cli.COMMANDS))
def test_every_command_help_lists_the_settings_it_reads(
        command: str, capsys: pytest.CaptureFixture[str]) -> None:
    text = help_of([command, "--help"], capsys)
    assert "settings read (environment variables):" in text
    assert "UPC_DATA_DIR" in text and "(default: .upc)" in text
    if command in ("serve", "api"):
        assert "UPC_PORT" in text and "UPC_HOST" in text


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("UPC_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("UPC_TOKEN_SECRET", raising=False)
    monkeypatch.delenv("UPC_OIDC_ISSUER", raising=False)
    return tmp_path


@pytest.mark.parametrize("hours", ["0", "-1", "nan"])
def test_token_refuses_a_lifetime_that_is_not_positive(
        data_dir: Path, hours: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["token", "--user", "maya", "--role", "manager", "--hours", hours]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "--hours" in err and "more than 0" in err


def test_token_warns_when_no_serve_uses_its_data_directory(
        data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["token", "--user", "maya", "--role", "manager"]) == 0
    out, err = capsys.readouterr()
    assert out.count(".") == 2  # the token alone on stdout, for TOKEN=$(...)
    assert f"no upc serve is running on {data_dir}" in err
    assert "token-secret did not exist" in err


def test_token_is_quiet_beside_a_running_serve(
        data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (data_dir / "token-secret").write_text("a-secret-made-by-upc-serve-0123456789abcdef")
    lock = DataDirLock(data_dir)
    lock.acquire()
    try:
        assert cli.main(["token", "--user", "maya", "--role", "manager"]) == 0
    finally:
        lock.release()
    assert capsys.readouterr().err == ""


def test_printed_commands_are_the_ones_installed(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    venv = tmp_path / ".venv" / "bin"
    venv.mkdir(parents=True)
    (venv / "upc").write_text("")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    assert upc_command(str(venv / "upc")) == ".venv/bin/upc"
    assert api_base(Settings(upc_port=8123)) == "http://127.0.0.1:8123"
    assert api_base(Settings(upc_host="0.0.0.0", upc_port=9000)) == "http://127.0.0.1:9000"
