/**
 * A minimal auth_http server for trying `mailconf run` (or nginx) locally: it accepts one
 * user, `demo` with password `demo`, and sends it to the IMAP/POP3/SMTP backend named on
 * the command line. Anything else gets nginx's "Invalid login or password" with a wait.
 *
 *   node examples/run/auth-server.mjs [backend-host] [imap-port] [pop3-port] [smtp-port]
 */
import * as http from 'node:http';

const [host = '127.0.0.1', imap = '1143', pop3 = '1110', smtp = '1025'] = process.argv.slice(2);
const ports = { imap, pop3, smtp };

http
  .createServer((req, res) => {
    const user = req.headers['auth-user'];
    const pass = req.headers['auth-pass'];
    const protocol = String(req.headers['auth-protocol']);
    const method = req.headers['auth-method'];
    const ok = (user === 'demo' && pass === 'demo') || (protocol === 'smtp' && method === 'none');
    if (ok) {
      res.writeHead(200, { 'Auth-Status': 'OK', 'Auth-Server': host, 'Auth-Port': ports[protocol] ?? imap });
    } else {
      res.writeHead(200, { 'Auth-Status': 'Invalid login or password', 'Auth-Wait': '3' });
    }
    res.end();
    console.log(`${protocol} ${method} ${user ?? '-'} -> ${ok ? 'OK' : 'refused'}`);
  })
  .listen(9000, '127.0.0.1', () => console.log('auth_http server on 127.0.0.1:9000'));
