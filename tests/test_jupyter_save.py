"""Item 13 of issue 16: a notebook only run and saved in Jupyter shows clean in `git status` at once.

A real jupyter_server (the one installed beside nbteam, with whatever server extensions that
environment enables) on 127.0.0.1; the notebook is saved through its contents API, as JupyterLab does.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from helpers import git, make_nb, nbteam, write_nb

pytest.importorskip("jupyter_server", reason="jupyter_server is in the test extra: pip install -e '.[test]'")
TOKEN = "nbteam-test-token"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _call(base: str, method: str, path: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{base}{path}", data=data, method=method,
                                 headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read() or b"{}")


@pytest.fixture
def server(tmp_path, git_env):
    """A jupyter_server rooted at tmp_path/root; yields its base URL."""
    root = tmp_path / "root"
    root.mkdir()
    port = _free_port()
    env = {**git_env, "JUPYTER_CONFIG_DIR": str(tmp_path / "jcfg"), "JUPYTER_DATA_DIR": str(tmp_path / "jdata"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "jrun"), "JUPYTER_PLATFORM_DIRS": "1"}
    # The file nbteam installs into <prefix>/etc/jupyter/jupyter_server_config.d (an editable install
    # does not copy data files, so it goes into this server's own config directory here).
    shipped = Path(__file__).resolve().parent.parent / "jupyter-config" / "nbteam.json"
    enabled = tmp_path / "jcfg" / "jupyter_server_config.d"
    enabled.mkdir(parents=True)
    (enabled / "nbteam.json").write_bytes(shipped.read_bytes())
    log = open(tmp_path / "server.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "jupyter_server", "--ServerApp.ip=127.0.0.1",
                             f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
                             f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}",
                             "--ServerApp.open_browser=False",
                             *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # the server is up when its API answers (no time limit is asserted)
            if proc.poll() is not None:
                raise AssertionError((tmp_path / "server.log").read_text())
            try:
                _call(base, "GET", "/api/status")
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.2)
        yield root, base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _repo(path: Path, with_nbteam: bool) -> None:
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    if with_nbteam:
        assert nbteam("init", cwd=path).returncode == 0
    write_nb(path / "nb.ipynb", make_nb("x = 1", "x"))
    os.utime(path / "nb.ipynb", (1_600_000_000, 1_600_000_000))  # never racily clean
    git(path, "add", "-A")
    git(path, "commit", "-qm", "base")
    git(path, "status")


def _run_and_save(base: str, rel: str) -> None:
    """What running every cell and saving in JupyterLab does to the file: outputs and counts."""
    model = _call(base, "GET", f"/api/contents/{rel}?content=1")
    nb = model["content"]
    for n, cell in enumerate(nb["cells"], start=1):
        cell["outputs"] = [{"output_type": "execute_result", "execution_count": n, "metadata": {},
                            "data": {"text/plain": f"{n}"}}]
        cell["execution_count"] = n
    _call(base, "PUT", f"/api/contents/{rel}", {"type": "notebook", "format": "json", "content": nb})


def test_a_notebook_run_and_saved_in_jupyter_shows_clean(server, git_env):
    root, base = server
    _repo(root / "team", with_nbteam=True)
    _run_and_save(base, "team/nb.ipynb")
    assert '"output_type"' in (root / "team" / "nb.ipynb").read_text()
    assert git(root / "team", "status", "--porcelain").stdout == ""
    assert git(root / "team", "status", "--porcelain").stdout == ""  # and stays so, from the index


def test_the_jupyter_extension_does_nothing_outside_an_nbteam_repository(server, git_env):
    root, base = server
    _repo(root / "plain", with_nbteam=False)
    index = root / "plain" / ".git" / "index"
    before = index.read_bytes()
    _run_and_save(base, "plain/nb.ipynb")
    assert index.read_bytes() == before
    assert git(root / "plain", "status", "--porcelain", "nb.ipynb").stdout == " M nb.ipynb\n"
