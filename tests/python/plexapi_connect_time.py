"""Times python-plexapi's MyPlexResource.connect() (its own default timeout)
for one server of a fake-plex instance. Usage: plexapi_connect_time.py INFO_JSON SERVER_NAME
Prints: seconds chosen_url"""
import json
import os
import sys
import time

import requests
from plexapi.myplex import MyPlexAccount

info = json.load(open(sys.argv[1]))
os.environ["REQUESTS_CA_BUNDLE"] = info["ca_file"]
base = info["plex_tv_url"]


class Rewriting(requests.Session):
    def request(self, method, url, *args, **kwargs):
        if url.startswith("https://plex.tv"):
            url = base + url[len("https://plex.tv"):]
        return super().request(method, url, *args, **kwargs)


account = MyPlexAccount(token=info["account_token"], session=Rewriting())
resource = account.resource(sys.argv[2])
start = time.monotonic()
try:
    server = resource.connect()
    url = server._baseurl
except Exception:
    url = "none"
print(f"{time.monotonic() - start:.4f} {url}")
