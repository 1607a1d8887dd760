"""`nbteam diff --web`: nbdime's rendered diff when nbdime is installed, one line saying how to get it otherwise.

No browser opens: nbdime honours $BROWSER, which here is a small script that loads the page and
the diff it serves, writes them down, and closes the server the way nbdime's page does on exit.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from helpers import ROOT, git, make_nb, nbteam, write_nb

FAKE_BROWSER = '''
import http.cookiejar, json, sys, urllib.parse, urllib.request
url = sys.argv[1]
jar = http.cookiejar.CookieJar()
web = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
page = web.open(url, timeout=30).read().decode()
xsrf = next((c.value for c in jar if c.name == "_xsrf"), "")
root = url.split("/diff")[0]
query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
def post(path, body):
    req = urllib.request.Request(root + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", "X-XSRFToken": xsrf})
    return web.open(req, timeout=30).read().decode()
diff = post("/api/diff", {"base": query["base"], "remote": query["remote"]})
with open(sys.argv[2], "w") as f:
    json.dump({"url": url, "page": page, "diff": json.loads(diff)}, f)
post("/api/closetool", {"exitCode": 0})
'''


def test_without_nbdime_says_how_to_get_it(tmp_path, git_env):
    write_nb(tmp_path / "a.ipynb", make_nb("x = 1"))
    write_nb(tmp_path / "b.ipynb", make_nb("x = 2"))
    # -S: no site-packages, so nbdime cannot be found even where it is installed; nbteam needs none.
    env = {**git_env, "PYTHONPATH": str(ROOT)}
    p = subprocess.run([sys.executable, "-S", "-m", "nbteam", "diff", "--web", "a.ipynb", "b.ipynb"],
                       cwd=tmp_path, capture_output=True, text=True, env=env)
    assert (p.returncode, p.stdout) == (2, "")
    assert p.stderr == ('nbteam diff: the rendered diff needs nbdime, which is not installed here: '
                        'pip install "nbteam[web]"  (or: pip install nbdime)\n')


def _served(cwd, args, tmp_path, env) -> dict:
    """Run `nbteam diff --web ARGS` with the fake browser; what the browser saw."""
    script = tmp_path / "browser.py"
    script.write_text(FAKE_BROWSER)
    seen = tmp_path / "seen.json"
    env = {**env, "BROWSER": f"{sys.executable} {script} %s {seen}"}
    p = nbteam("diff", "--web", *args, cwd=cwd, env=env)
    assert p.returncode == 0, p.stderr
    return json.loads(seen.read_text())


def test_web_diff_of_two_files_and_of_revisions(repo, tmp_path, git_env):
    pytest.importorskip("nbdime", reason="nbdime (the [web] extra) is not installed")
    write_nb(repo / "a.ipynb", make_nb("x = 1"))
    write_nb(repo / "b.ipynb", make_nb("x = 2"))
    seen = _served(repo, ["a.ipynb", "b.ipynb"], tmp_path, git_env)
    assert "nbdime" in seen["page"] and "base=a.ipynb" in seen["url"]
    assert seen["diff"]["base"]["cells"][0]["source"] == "x = 1"
    assert '"key": "source"' in json.dumps(seen["diff"]["diff"])  # nbdime's own diff of the source

    assert nbteam("init", cwd=repo).returncode == 0
    git(repo, "add", "a.ipynb")
    git(repo, "commit", "-qm", "one")
    write_nb(repo / "a.ipynb", make_nb("x = 10"))
    git(repo, "commit", "-qam", "two")
    seen = _served(repo, ["HEAD~1", "HEAD", "--", "a.ipynb"], tmp_path, git_env)
    assert seen["diff"]["base"]["cells"][0]["source"] == "x = 1"
    assert '"valuelist": "0"' in json.dumps(seen["diff"]["diff"])  # "x = 1" -> "x = 10"
    assert seen["url"].endswith("%2Fb%2Fa.ipynb")  # a temporary copy named like the file
