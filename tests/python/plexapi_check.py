"""Independent check that fake-plex is faithful: python-plexapi (which speaks
XML and has plex.tv's URLs written in) lists resources, connects to a server,
lists sections and items. Usage: plexapi_check.py INFO_JSON_FILE
Prints one JSON line with what it saw; exits non-zero on any failure."""
import json
import os
import sys

import requests
from plexapi.myplex import MyPlexAccount

info = json.load(open(sys.argv[1]))
base = info["plex_tv_url"]
# fake-plex's https connections are signed by its own throwaway CA.
os.environ["REQUESTS_CA_BUNDLE"] = info["ca_file"]


class Rewriting(requests.Session):
    """Sends plexapi's https://plex.tv/... calls to fake-plex instead."""

    def request(self, method, url, *args, **kwargs):
        if url.startswith("https://plex.tv"):
            url = base + url[len("https://plex.tv"):]
        return super().request(method, url, *args, **kwargs)


session = Rewriting()
account = MyPlexAccount(token=info["account_token"], session=session)
resources = [r for r in account.resources() if "server" in r.provides]
seen = {"username": account.username, "servers": []}
for res in resources:
    server = res.connect(timeout=5)
    sections = server.library.sections()
    entry = {"name": res.name, "machine": server.machineIdentifier, "url": server._baseurl, "sections": {}}
    for s in sections:
        items = s.all()
        entry["sections"][s.title] = {"type": s.type, "count": len(items), "first": items[0].title if items else None}
        if s.type == "show" and items:
            seasons = items[0].seasons()
            episodes = seasons[0].episodes()
            entry["first_show"] = {"seasons": len(seasons), "episodes_in_first": len(episodes)}
    seen["servers"].append(entry)
print(json.dumps(seen))
