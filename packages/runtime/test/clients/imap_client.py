"""IMAP through the proxy with Python's imaplib: login, append, select, fetch, logout.
Usage: imap_client.py PORT USER PASSWORD; prints one JSON object."""
import imaplib, json, sys

port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
out = {}
m = imaplib.IMAP4("127.0.0.1", port)
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
