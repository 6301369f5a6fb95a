/**
 * Every config-time check nginx performs for mail configurations (the catalogue's ids A1-F3)
 * is reproduced by a rule, or listed here with the reason it cannot be: those depend on the
 * machine (files, modules, sockets, users), not on the configuration text.
 */
import { describe, expect, it } from 'vitest';
import { rules } from '@mailconf/checker';

const ALL = [
  ...Array.from({ length: 12 }, (_, i) => `A${i + 1}`),
  ...Array.from({ length: 10 }, (_, i) => `B${i + 1}`),
  ...Array.from({ length: 12 }, (_, i) => `C${i + 1}`),
  ...Array.from({ length: 11 }, (_, i) => `D${i + 1}`),
  ...Array.from({ length: 10 }, (_, i) => `E${i + 1}`),
  ...Array.from({ length: 3 }, (_, i) => `F${i + 1}`),
];

/** Checks that need the machine nginx runs on, with why. */
const ENVIRONMENTAL: Record<string, string> = {
  B7: 'dlopen() of a module file: depends on the files installed',
  B10: 'a mail {} without servers is accepted: nothing to report',
  C8: 'the ssl parameter without ngx_mail_ssl_module: depends on the build; every packaged build has it',
  D11: 'certificate compression support: depends on the SSL library',
  F2: 'user and group lookup: depends on the system accounts',
  F3: 'pid file creation: depends on the file system',
};

/**
 * Checks reproduced only in the part that does not depend on the machine, with what is left:
 * the rules cover them, and this says what they cannot see.
 */
const PARTLY: Record<string, { rules: string[]; left: string }> = {
  C12: {
    rules: ['listen-ipv4-mapped', 'listen-bind'],
    left: 'other bind() errors depend on the addresses configured on the machine and on privileges: listen-bind tries them where mailconf runs (--check-sockets)',
  },
  D10: {
    rules: ['ssl-ciphers', 'ssl-ecdh-curve', 'ssl-conf-command', 'missing-file'],
    left: 'names only some SSL library builds know, and the contents of DH, CRL and certificate files, are left to nginx',
  },
};

describe('nginx check coverage', () => {
  const covered = new Set(rules.flatMap((r) => r.meta.nginxChecks ?? []));
  it('every check is covered by a rule or documented as environmental', () => {
    const missing = ALL.filter((id) => !covered.has(id) && !(id in ENVIRONMENTAL));
    expect(missing).toEqual([]);
  });
  it('no check is both', () => {
    expect(Object.keys(ENVIRONMENTAL).filter((id) => covered.has(id))).toEqual([]);
  });
  it('checks covered in part name the rules that cover them', () => {
    for (const [id, { rules: ids }] of Object.entries(PARTLY)) {
      expect(rules.filter((r) => r.meta.nginxChecks?.includes(id)).map((r) => r.meta.id).sort(), id).toEqual([...ids].sort());
    }
  });
  it('rules name only real checks', () => {
    expect([...covered].filter((id) => !ALL.includes(id))).toEqual([]);
  });
  it(`covers ${ALL.length - Object.keys(ENVIRONMENTAL).length} of ${ALL.length} checks`, () => {
    expect(covered.size).toBe(ALL.length - Object.keys(ENVIRONMENTAL).length);
  });
});
