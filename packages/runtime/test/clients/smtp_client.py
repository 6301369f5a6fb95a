"""SMTP through the proxy with Python's smtplib: EHLO, AUTH, one message, QUIT.
Usage: smtp_client.py PORT USER PASSWORD [plain|ssl|starttls [CAFILE]]; prints one JSON object.
ssl is SMTP_SSL (implicit TLS), starttls is SMTP then starttls() and EHLO again."""
import json, smtplib, ssl, sys

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
    s = smtplib.SMTP_SSL("127.0.0.1", port, context=ctx)
else:
    s = smtplib.SMTP("127.0.0.1", port)
    if mode == "starttls":
        s.ehlo("client.example.test")
        out["before"] = s.esmtp_features.get("auth", "").strip()
        out["starttls"] = s.starttls(context=ctx)[0]
if mode != "plain":
    out["tls"] = s.sock.version()
code, msg = s.ehlo("client.example.test")
out["ehlo"] = code
out["auth"] = s.esmtp_features.get("auth", "").strip()
s.user, s.password = user, password
try:
    # PLAIN only: smtplib would go on to LOGIN on a connection the proxy has closed
    s.auth("PLAIN", s.auth_plain)
    out["login"] = "ok"
except smtplib.SMTPAuthenticationError as e:
    out["login"] = e.smtp_code
    print(json.dumps(out))
    sys.exit(0)
refused = s.sendmail("alice@example.test", ["bob@example.test"], "Subject: e2e\r\n\r\nhello from smtplib\r\n")
out["refused"] = refused
out["quit"] = s.quit()[0]
print(json.dumps(out))
