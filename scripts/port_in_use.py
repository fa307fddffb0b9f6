"""Exit 0 when something already accepts connections on HOST PORT, 1 when the port is free (used by `make run`)."""

import socket
import sys

host, port = sys.argv[1], int(sys.argv[2])
with socket.socket() as probe:
    probe.settimeout(1.0)
    sys.exit(0 if probe.connect_ex((host, port)) == 0 else 1)
