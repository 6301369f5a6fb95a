"""POP3 through the proxy with Python's poplib: USER/PASS, STAT, RETR, QUIT.
Usage: pop3_client.py PORT USER PASSWORD; prints one JSON object."""
import json, poplib, sys

port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
out = {}
p = poplib.POP3("127.0.0.1", port)
out["welcome"] = p.getwelcome().decode()
out["capa"] = sorted(p.capa().keys())
try:
    p.user(user)
    out["pass"] = p.pass_(password).decode()
except poplib.error_proto as e:
    out["pass"] = "ERR"
    out["error"] = str(e)
    print(json.dumps(out))
    sys.exit(0)
count, size = p.stat()
out["count"] = count
if count:
    out["last"] = b"\n".join(p.retr(count)[1]).decode()
out["quit"] = p.quit().decode()
print(json.dumps(out))
