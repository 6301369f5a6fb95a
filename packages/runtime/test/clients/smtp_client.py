"""SMTP through the proxy with Python's smtplib: EHLO, AUTH, one message, QUIT.
Usage: smtp_client.py PORT USER PASSWORD; prints one JSON object."""
import json, smtplib, sys

port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
out = {}
s = smtplib.SMTP("127.0.0.1", port)
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
