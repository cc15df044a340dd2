"""Run localstripe on loopback only, keeping its state in memory.

Its stock CLI binds every interface and pickles the whole store into /tmp on every write (and loads a
previous run's pickle at start). Tests want a private, fresh, fast server: neither happens here.
Usage: python tests/localstripe_server.py PORT
"""

import sys

from aiohttp import web
from localstripe import resources, server

resources.Store.dump_to_disk = lambda self: None
resources.Store.try_load_from_disk = lambda self: None

web.run_app(server.app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
