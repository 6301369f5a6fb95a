/**
 * Throwaway certificates made with openssl for TLS tests: a test CA, a server certificate
 * for mail.example.test signed by it, a client certificate signed by it, and a self-signed
 * client certificate the CA knows nothing about.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface TestCerts {
  dir: string;
  ca: string;
  serverCrt: string;
  serverKey: string;
  clientCrt: string;
  clientKey: string;
  /** Self-signed: no chain to the CA. */
  rogueCrt: string;
  rogueKey: string;
}

export function makeCerts(openssl: string, dir: string): TestCerts {
  const f = (name: string) => path.join(dir, name);
  const run = (args: string[]) => execFileSync(openssl, args, { stdio: 'ignore' });
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', '/CN=Mailconf Test CA', '-keyout', f('ca.key'), '-out', f('ca.crt'), '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=keyCertSign,cRLSign']);
  const signed = (name: string, cn: string, ext: string) => {
    run(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${cn}/O=Mailconf Tests`, '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`)]);
    fs.writeFileSync(f(`${name}.ext`), ext);
    run(['x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '30', '-extfile', f(`${name}.ext`), '-out', f(`${name}.crt`)]);
  };
  signed('server', 'mail.example.test', 'subjectAltName=DNS:mail.example.test\nextendedKeyUsage=serverAuth\n');
  signed('client', 'alice.example.test', 'extendedKeyUsage=clientAuth\n');
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', '/CN=mallory.example.test', '-keyout', f('rogue.key'), '-out', f('rogue.crt')]);
  return {
    dir,
    ca: f('ca.crt'),
    serverCrt: f('server.crt'),
    serverKey: f('server.key'),
    clientCrt: f('client.crt'),
    clientKey: f('client.key'),
    rogueCrt: f('rogue.crt'),
    rogueKey: f('rogue.key'),
  };
}

/** A certificate's serial (upper-case hex) and SHA-1 fingerprint (lower-case hex), as openssl reports them. */
export function certFacts(openssl: string, crt: string): { serial: string; fingerprint: string } {
  const out = execFileSync(openssl, ['x509', '-in', crt, '-noout', '-serial', '-fingerprint', '-sha1'], { encoding: 'utf8' });
  const serial = /serial=([0-9A-F]+)/i.exec(out)![1]!.toUpperCase();
  const fingerprint = /Fingerprint=([0-9A-F:]+)/i.exec(out)![1]!.replace(/:/g, '').toLowerCase();
  return { serial, fingerprint };
}
