"""The Nu Html Checker (vnu.jar, the W3C's HTML5 validator) run over many pages in one Java start.

`make test` fetches the jar from the npm package vnu-jar into .venv/vnu/; Java comes from the
machine (.ci/run installs Debian's JRE when it is missing).
"""

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

JAR = Path(
    os.environ.get("FORUM_VNU_JAR") or Path(__file__).resolve().parent.parent / ".venv/vnu/package/build/dist/vnu.jar"
)


def missing() -> str:
    """Why the checker cannot run here, or "" when it can."""
    if not shutil.which("java"):
        return "java is not installed (apt-get install default-jre-headless)"
    if not JAR.exists():
        return f"{JAR} is missing (make test fetches it with npm)"
    return ""


def errors(pages: dict[str, str]) -> dict[str, list[str]]:
    """Each page's errors (name -> "line N: message"), only for pages that have any."""
    with tempfile.TemporaryDirectory() as folder:
        names = {}
        for number, (name, html) in enumerate(pages.items()):
            path = Path(folder) / f"page{number}.html"
            path.write_text(html, encoding="utf-8")
            names[path.name] = name
        paths = [str(Path(folder) / file_name) for file_name in names]
        result = subprocess.run(
            ["java", "-Xss4m", "-jar", str(JAR), "--format", "json", "--exit-zero-always", *paths],
            capture_output=True,
            text=True,
            timeout=300,
        )
    found: dict[str, list[str]] = {}
    for message in json.loads(result.stderr)["messages"]:
        if message["type"] == "error" or message.get("subType") == "fatal":
            name = names.get(message.get("url", "?").rsplit("/", 1)[-1], message.get("url", "?"))
            found.setdefault(name, []).append(f"line {message.get('lastLine', '?')}: {message['message']}")
    return found
