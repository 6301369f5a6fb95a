"""POP3 through the proxy with Python's poplib: USER/PASS, STAT, RETR, QUIT.
Usage: pop3_client.py PORT USER PASSWORD [plain|ssl|starttls [CAFILE]]; prints one JSON object.
ssl is POP3_SSL (implicit TLS), starttls is POP3 then stls()."""
import json, poplib, ssl, sys

port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
mode = sys.argv[4] if len(sys.argv) > 4 else "plain"
cafile = sys.argv[5] if len(sys.argv) > 5 else None
out = {}
ctx = None
if mode != "plain":
    # the certificate names mail.example.test and we connect to 127.0.0.1: the chain is
    # verified against the test CA, the name is not
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.check_hostname = False
if mode == "ssl":
    p = poplib.POP3_SSL("127.0.0.1", port, context=ctx)
else:
    p = poplib.POP3("127.0.0.1", port)
    if mode == "starttls":
        out["before"] = sorted(p.capa().keys())
        out["stls"] = p.stls(context=ctx).decode()
if mode != "plain":
    out["tls"] = p.sock.version()
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
