/**
 * Dialogue fixtures (fixtures/runtime/dialogues/*.dlg): a server, then what the client
 * sends and what it must get back, line by line, plus the auth request and error-log lines
 * it must cause. Format:
 *
 *   # comment
 *   server imap: imap_auth plain login; max_errors 2     (protocol: directives)
 *   server imap proxy_protocol: set_real_ip_from 127.0.0.1   (`listen ... proxy_protocol`)
 *   policy fail-wait1                                     (named auth policy, optional)
 *   C: a1 NOOP          send the text and CRLF        C+: text   send the text only
 *   S: a1 OK completed  the next line, exactly        S~: re     the next line matches
 *   auth: Auth-User: x  the last auth request has this line
 *   auth-not: Proxy-    the last auth request has no line starting so
 *   noauth              no auth request so far
 *   backend: XCLIENT .. the last backend connection of the protocol received this line
 *   backend~: ^PROXY .  ... a line matching this regular expression
 *   log: [info] client logged in     a log line with this message (after `*N `)
 *   log-not: broken header           no log line contains this
 *   closed              the proxy closes the connection
 *   shut                the client closes its sending side (EOF for the proxy)
 *   open                a fresh connection (the old one is closed)
 *   wait 300            pause (ms)
 *
 * Texts take escapes: \r \n \t \0 \xNN \\.
 *
 * After the dialogue the runner checks that the proxy let go of every connection and
 * still greets a new client.
 */
export type Step =
  | { kind: 'send'; data: Buffer }
  | { kind: 'expect'; line: string }
  | { kind: 'match'; re: RegExp }
  | { kind: 'auth'; line: string }
  | { kind: 'authNot'; prefix: string }
  | { kind: 'noauth' }
  | { kind: 'backend'; line: string }
  | { kind: 'backendMatch'; re: RegExp }
  | { kind: 'shut' }
  | { kind: 'log'; text: string }
  | { kind: 'logNot'; text: string }
  | { kind: 'closed' }
  | { kind: 'open' }
  | { kind: 'wait'; ms: number };

export interface Dialogue {
  protocol: 'imap' | 'pop3' | 'smtp';
  /** `listen ... proxy_protocol` */
  proxyProtocol: boolean;
  directives: string;
  policy: string | null;
  steps: Step[];
}

export function unescape(text: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\' || i === text.length - 1) {
      out.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const n = text[++i]!;
    if (n === 'r') out.push(13);
    else if (n === 'n') out.push(10);
    else if (n === 't') out.push(9);
    else if (n === '0') out.push(0);
    else if (n === 'x') {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(n.charCodeAt(0));
  }
  return Buffer.from(out);
}

export function parseDialogue(text: string, name: string): Dialogue {
  let protocol: Dialogue['protocol'] | null = null;
  let proxyProtocol = false;
  let directives = '';
  let policy: string | null = null;
  const steps: Step[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.replace(/\r$/, '');
    if (!line.trim() || line.startsWith('#')) continue;
    const at = `${name}:${i + 1}`;
    let m: RegExpExecArray | null;
    if ((m = /^server (imap|pop3|smtp)( proxy_protocol)?:?\s*(.*)$/.exec(line))) {
      protocol = m[1] as Dialogue['protocol'];
      proxyProtocol = !!m[2];
      directives = m[3]!;
    } else if ((m = /^policy (\S+)$/.exec(line))) policy = m[1]!;
    else if (line.startsWith('C: ') || line === 'C:') steps.push({ kind: 'send', data: Buffer.concat([unescape(line.slice(3)), Buffer.from('\r\n')]) });
    else if (line.startsWith('C+: ')) steps.push({ kind: 'send', data: unescape(line.slice(4)) });
    else if (line.startsWith('S: ') || line === 'S:') steps.push({ kind: 'expect', line: unescape(line.slice(3)).toString('latin1') });
    else if (line.startsWith('S~: ')) steps.push({ kind: 'match', re: new RegExp(line.slice(4)) });
    else if (line.startsWith('auth: ')) steps.push({ kind: 'auth', line: unescape(line.slice(6)).toString('latin1') });
    else if (line.startsWith('auth-not: ')) steps.push({ kind: 'authNot', prefix: unescape(line.slice(10)).toString('latin1') });
    else if (line === 'noauth') steps.push({ kind: 'noauth' });
    else if (line.startsWith('backend: ')) steps.push({ kind: 'backend', line: unescape(line.slice(9)).toString('latin1') });
    else if (line.startsWith('backend~: ')) steps.push({ kind: 'backendMatch', re: new RegExp(line.slice(10)) });
    else if (line === 'shut') steps.push({ kind: 'shut' });
    else if (line.startsWith('log: ')) steps.push({ kind: 'log', text: unescape(line.slice(5)).toString('latin1') });
    else if (line.startsWith('log-not: ')) steps.push({ kind: 'logNot', text: unescape(line.slice(9)).toString('latin1') });
    else if (line === 'closed') steps.push({ kind: 'closed' });
    else if (line === 'open') steps.push({ kind: 'open' });
    else if ((m = /^wait (\d+)$/.exec(line))) steps.push({ kind: 'wait', ms: Number(m[1]) });
    else throw new Error(`${at}: cannot read "${line}"`);
  }
  if (!protocol) throw new Error(`${name}: no "server <protocol>:" line`);
  return { protocol, proxyProtocol, directives, policy, steps };
}
