"""Checks made before anything starts, each failing with one line naming the setting."""

from __future__ import annotations

import socket
import tempfile
from pathlib import Path

from upc.settings import SettingError


def check_port_free(setting: str, host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise SettingError(
                f"{setting}: port {port} on {host} is already in use ({exc.strerror})") from None


def check_data_dir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".probe-"):
            pass
    except OSError as exc:
        raise SettingError(f"UPC_DATA_DIR: {path} is not writable ({exc.strerror})") from None


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])
