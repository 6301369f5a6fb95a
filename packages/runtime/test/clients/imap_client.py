"""IMAP through the proxy with Python's imaplib: login, append, select, fetch, logout.
Usage: imap_client.py PORT USER PASSWORD [plain|ssl|starttls [CAFILE]]; prints one JSON object.
ssl is IMAP4_SSL (implicit TLS), starttls is IMAP4 then starttls()."""
import imaplib, json, ssl, sys

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
    m = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=ctx)
else:
    m = imaplib.IMAP4("127.0.0.1", port)
    if mode == "starttls":
        out["before"] = sorted(c.decode() if isinstance(c, bytes) else c for c in m.capabilities)
        m.starttls(ssl_context=ctx)
if mode != "plain":
    out["tls"] = m.sock.version()
out["capabilities"] = sorted(c.decode() if isinstance(c, bytes) else c for c in m.capabilities)
try:
    typ, data = m.login(user, password)
    out["login"] = typ
except imaplib.IMAP4.error as e:
    out["login"] = "NO"
    out["error"] = str(e)
    print(json.dumps(out))
    sys.exit(0)
m.append("INBOX", None, None, b"Subject: e2e\r\n\r\nhello through the proxy\r\n")
typ, data = m.select("INBOX")
out["exists"] = int(data[0])
typ, data = m.fetch(data[0].decode(), "(BODY[TEXT])")
out["body"] = data[0][1].decode()
typ, _ = m.logout()
out["logout"] = typ
print(json.dumps(out))
