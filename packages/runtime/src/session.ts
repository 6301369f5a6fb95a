/**
 * One client connection from accept to close: the state nginx keeps per mail session
 * (credentials, salt, SMTP envelope, error and login counters, the command buffer), the
 * log context, the read/write timers, and the primitives every phase uses — send a reply
 * and continue reading when it is written, read one command, start authentication, fail
 * with the protocol's internal error, close.
 *
 * Phases live elsewhere: protocols/* (pre-auth dialogue), auth-flow.ts (auth_http),
 * backend/* (backend login), proxy-pipe.ts (proxying). Each installs `readHandler`, the
 * function a read event or the read timer calls, as nginx installs `c->read->handler`.
 */
import type { Behaviour } from './compat.js';
import type { Level, Text } from './error-log.js';
import { errnoText, errorCode, TIMED_OUT } from './errno.js';
import type { ProxyProtocolInfo, TlsInfo } from './auth-http.js';
import { startAuthHttp } from './auth-flow.js';
import { connectBackend } from './backend/upstream.js';
import { EMPTY } from './bytes.js';
import { AGAIN, ERROR, type StreamConn } from './net/stream-conn.js';
import { CommandBuffer, Parse, ParserState, type ParseResult } from './protocols/command-buffer.js';
import { AuthMethod } from './sasl.js';
import { tlsReadError } from './tls.js';
import type { ServerRuntime } from './server-config.js';
import { Timer } from './timer.js';
import { giveBuffer } from './net/buffer-pool.js';

export { EMPTY } from './bytes.js';

/** What a session needs from the proxy around it. */
export interface SessionHost {
  /** Registers an extra connection (auth server, backend) against worker_connections; false when none is left. */
  acquireConnection(): boolean;
  releaseConnection(): void;
  /** The session has ended. */
  ended(session: Session): void;
}

export type ReadHandler = (timedOut: boolean) => void;

/** Outcome of reading one command (nginx's ngx_mail_read_command). */
export type ReadResult = ParseResult | 'again' | 'closed';

/** What a protocol plugs into the session. */
export interface ProtocolDriver {
  /** Greeting and the first read handler. */
  initSession(s: Session): void;
  /** The pre-auth command handler (where an Auth-Wait sleep returns to). */
  authState(s: Session, timedOut: boolean): void;
  parse(ps: ParserState, b: CommandBuffer, behaviour: Behaviour): ParseResult;
}

export interface Closable {
  close(): void;
}

/** TLS for a listen: the handshake on an accepted or STARTTLS connection, and its facts for auth_http. */
export interface TlsLayer {
  /** Runs the handshake on the session's connection; `onSecure` once it is done and the client certificate passed. Failures are logged and end the session. */
  upgrade(s: Session, onSecure: () => void): void;
  info(s: Session, passClientCert: boolean): TlsInfo | null;
}

export class Session {
  /** The nginx-style action shown as ` while <action>` in log lines. */
  action: string | null = 'sending client greeting line';
  readHandler: ReadHandler = () => {};
  closed = false;

  // command loop
  buffer: CommandBuffer | null = null;
  /** The parser's state, made with the first command (an idle connection keeps none). */
  get ps(): ParserState {
    return (this.parserState ??= new ParserState());
  }
  private parserState: ParserState | null = null;
  /** The reply being written (nginx's s->out); null when idle. */
  out: Buffer | null = null;
  quit = false;
  blocked = false;
  mailState = 0;
  errors = 0;
  /** IMAP: untagged line before the tagged reply (CAPABILITY, BYE). */
  text: Buffer | null = null;

  // authentication
  login: Buffer = EMPTY;
  passwd: Buffer | null = null;
  authMethod: number = AuthMethod.Plain;
  salt: Buffer | null = null;
  loginAttempt = 0;
  authWait = false;

  // SMTP
  esmtp = false;
  smtpHelo: Buffer = EMPTY;
  smtpFrom: Buffer = EMPTY;
  smtpTo: Buffer = EMPTY;
  /** The client host name for SMTP (resolver result), empty for IMAP/POP3. */
  host: Buffer = EMPTY;

  // connection facts
  /** STARTTLS succeeded (shown in the log context). */
  starttls = false;
  /** The connection is TLS now (implicit or after STARTTLS). */
  tls = false;
  proxyProtocol: ProxyProtocolInfo | null = null;
  /** Logged in: bytes are being proxied. */
  proxying = false;
  /** `addr:port` of the backend as the auth server named it, once chosen. */
  upstreamName: Buffer | null = null;

  /** Helpers owned by the current phase (auth exchange, backend, pipe), closed with the session. */
  private owned: Set<Closable> | null = null;

  readonly readTimer = new Timer(() => this.readHandler(true));
  /** Made when a reply does not go out at once (most never need it). */
  private writeTimer: Timer | null = null;
  constructor(
    readonly number: number,
    readonly conn: StreamConn,
    readonly srv: ServerRuntime,
    readonly driver: ProtocolDriver,
    /** The listen address as nginx prints it: `127.0.0.1:143`. */
    readonly serverText: string,
    /** Client address without port (nginx's c->addr_text). */
    public clientAddr: string,
    /** Client port (0 for UNIX sockets). */
    public clientPort: number,
    /** The client address family: IPv6 makes XCLIENT write `IPV6:`, unix skips the resolver. */
    public clientFamily: 'ipv4' | 'ipv6' | 'unix',
    readonly owner: SessionHost,
    /** TLS for STARTTLS / implicit TLS on this listen; null when not available. */
    readonly tlsLayer: TlsLayer | null = null,
  ) {
    // a peer that resets is noticed by the next read or write, as in nginx (not while
    // the session is waiting for the auth server or a backend)
    conn.onReadable = () => {
      if (!this.closed) this.readHandler(false);
    };
  }

  get behaviour(): Behaviour {
    return this.srv.behaviour;
  }

  get clientIsIPv6(): boolean {
    return this.clientFamily === 'ipv6';
  }

  get clientIsUnix(): boolean {
    return this.clientFamily === 'unix';
  }

  // ------------------------------------------------------------------ TLS

  /** Runs once the current reply is written (STARTTLS upgrades then). */
  afterWrite: (() => void) | null = null;

  canStarttls(): boolean {
    return this.tlsLayer !== null;
  }

  /**
   * STARTTLS/STLS was accepted: stop reading plaintext, and once the reply is out, run the
   * handshake; the protocol restarts its command loop on the TLS connection (no new greeting).
   */
  beginStarttls(): void {
    this.conn.hold(true);
    this.readHandler = (timedOut) => {
      if (timedOut) this.close();
    };
    this.afterWrite = () => {
      this.starttls = true;
      this.action = 'in starttls state';
      this.awaitClientHello();
    };
  }

  /**
   * As nginx, the handshake starts on the client's next read event after the reply, and
   * must finish by the session's deadline; nginx closes a late handshake without a log
   * line. Bytes pipelined after the STARTTLS line were dropped with the command buffer;
   * any that did not fit the buffer are still "in the socket": they raise no new event and
   * go to the handshake first (which they break). When the deadline passes before the
   * client sends anything new, nginx starts the handshake anyway — with nothing to read it
   * waits another `timeout`, and whatever happens next ends the session, silently.
   */
  private awaitClientHello(): void {
    let started = false;
    const begin = () => {
      if (started || this.closed) return;
      started = true;
      this.readHandler = (timedOut) => {
        if (timedOut) this.close();
      };
      this.tlsLayer!.upgrade(this, () => {
        this.tls = true;
        this.mailState = 0;
        this.readHandler = (t) => this.driver.authState(this, t);
        this.action = 'in auth state';
        if (this.conn.ready) this.readHandler(false);
      });
    };
    this.readHandler = (timedOut) => {
      if (!timedOut || this.conn.available) return begin();
      started = true;
      this.readHandler = () => this.close();
      this.readTimer.set(this.srv.timeout);
    };
    this.conn.whenNewBytes(() => {
      if (!this.closed) this.readHandler(false);
    });
  }

  /** The Auth-SSL-* facts of the connection, or null when it is not TLS. */
  tlsInfo(passClientCert: boolean): TlsInfo | null {
    return this.tls && this.tlsLayer ? this.tlsLayer.info(this, passClientCert) : null;
  }

  // ------------------------------------------------------------------ logging

  /** The context nginx appends to a session's log lines (proxy-runtime.md §7). */
  context(): Buffer {
    const parts: Buffer[] = [];
    if (this.action) parts.push(Buffer.from(` while ${this.action}`, 'latin1'));
    parts.push(Buffer.from(`, client: ${this.clientAddr}${this.starttls ? ' using starttls' : ''}, server: ${this.serverText}`, 'latin1'));
    const upstream = this.upstreamName ? Buffer.concat([Buffer.from(', upstream: '), this.upstreamName]) : null;
    if (this.login.length) {
      parts.push(Buffer.from(', login: "'), this.login, Buffer.from('"'));
      if (upstream) parts.push(upstream);
    } else if (upstream && this.behaviour.upstreamWithoutLogin) {
      parts.push(upstream);
    }
    return Buffer.concat(parts);
  }

  log(level: Level, message: Text, errno?: string): void {
    const log = this.srv.log;
    if (!log.enabled(level)) return;
    log.write(level, message, { conn: this.number, errno, context: this.context() });
  }

  info(message: Text, errno?: string): void {
    this.log('info', message, errno);
  }

  error(message: Text, errno?: string): void {
    this.log('error', message, errno);
  }

  /** A socket error as nginx's ngx_connection_error logs it: info for the client, error for peers. */
  socketError(what: 'recv' | 'send' | 'connect', err: unknown, side: 'client' | 'peer'): void {
    const tlsError = side === 'client' ? tlsReadError(err) : null;
    // nginx logs a refused renegotiation at notice, other SSL_read() failures at info
    if (tlsError) return this.log(tlsError === 'SSL renegotiation disabled' ? 'notice' : 'info', tlsError);
    this.log(side === 'client' ? 'info' : 'error', `${what}() failed`, errnoText(errorCode(err)));
  }

  /** `client timed out` and close, without a reply. */
  timedOutClose(): void {
    this.info('client timed out', TIMED_OUT);
    this.close();
  }

  // ------------------------------------------------------------------ writing

  /**
   * nginx's ngx_mail_send: writes `out`; once written, closes when `quit` is set, or runs
   * the read handler again when a command was waiting (`blocked`).
   */
  send(): void {
    if (this.closed || this.writing || !this.out || this.out.length === 0) return;
    this.writing = this.out;
    this.conn.write(this.out, this.sent);
    // as nginx, a write timer only for a reply the kernel did not take at once
    if (this.writing && !this.conn.flushed) {
      this.writeTimer ??= new Timer(() => {
        this.info('client timed out', TIMED_OUT);
        this.close();
      });
      this.writeTimer.set(this.srv.timeout);
    }
  }

  /** The reply being written (null when none). */
  private writing: Buffer | null = null;

  private readonly sent = (err?: Error | null): void => {
    const data = this.writing;
    this.writing = null;
    this.writeTimer?.clear();
    if (this.closed) return;
    if (err) {
      this.socketError('send', err, 'client');
      this.close();
      return;
    }
    if (this.out !== data) {
      // replaced while it was being written (an error reply): write that one too
      this.send();
      return;
    }
    this.out = null;
    if (this.quit) {
      this.close();
      return;
    }
    const after = this.afterWrite;
    this.afterWrite = null;
    if (after) return after();
    if (this.blocked) this.readHandler(false);
  };

  /** The protocol's internal-error line, then close (nginx's ngx_mail_session_internal_server_error). */
  internalServerError(): void {
    this.out = this.srv.internalError;
    this.quit = true;
    this.send();
  }

  // ------------------------------------------------------------------ reading

  /**
   * Reads what fits into the command buffer and parses one command (nginx's
   * ngx_mail_read_command): EOF or a read error closes; a buffer that fills up without a
   * complete command is a too-long command; parser errors count towards max_errors.
   */
  readCommand(): ReadResult {
    const b = this.buffer!;
    if (b.last < b.end) {
      const n = this.conn.recv(b.data, b.last, b.end - b.last);
      if (n === ERROR) {
        this.socketError('recv', this.conn.error, 'client');
        this.close();
        return 'closed';
      }
      if (n === 0) {
        this.close();
        return 'closed';
      }
      if (n > 0) b.last += n;
      if (n === AGAIN && b.pos === b.last) return 'again';
    }
    const rc = this.driver.parse(this.ps, b, this.behaviour);
    if (this.ps.quit) {
      this.ps.quit = false;
      this.quit = true;
    }
    if (rc === Parse.Again) {
      if (b.last < b.end) return 'again';
      this.info(Buffer.concat([Buffer.from('client sent too long command "'), b.data.subarray(b.start, b.last), Buffer.from('"')]));
      this.quit = true;
      return Parse.Invalid;
    }
    if (rc === Parse.Invalid) {
      this.errors++;
      if (this.errors >= this.srv.maxErrors) {
        this.info('client sent too many invalid commands');
        this.quit = true;
      }
    }
    return rc;
  }

  /** The argument at index i of the parsed command (a view into the command buffer). */
  arg(i: number): Buffer {
    const a = this.ps.args[i]!;
    return this.buffer!.data.subarray(a.off, a.off + a.len);
  }

  get argCount(): number {
    return this.ps.args.length;
  }

  /** Ends argument collection after a handled command, as the protocol handlers do. */
  resetArgs(): void {
    this.ps.args = [];
  }

  /** nginx's ngx_mail_auth: clears the parser, stops the client timer, counts the attempt. */
  auth(): void {
    this.ps.args = [];
    this.buffer?.rewindIfConsumed();
    this.ps.state = 0;
    this.readTimer.clear();
    this.loginAttempt++;
    startAuthHttp(this, connectBackend);
  }

  // ------------------------------------------------------------------ closing

  own(c: Closable): void {
    (this.owned ??= new Set()).add(c);
  }

  disown(c: Closable): void {
    this.owned?.delete(c);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.readTimer.clear();
    this.writeTimer?.clear();
    if (this.owned) for (const c of this.owned) c.close();
    this.owned = null;
    this.conn.close();
    // nothing reads the command buffer after this (replies and auth requests hold copies)
    if (this.buffer) giveBuffer(this.buffer.data);
    this.owner.ended(this);
  }
}
