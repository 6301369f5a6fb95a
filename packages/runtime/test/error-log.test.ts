/**
 * Error-log lines: nginx's format, levels, the 2048-byte cap, raw bytes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorLog, levelNumber, openTargets } from '../src/error-log.js';

describe('error log', () => {
  it('writes nginx\'s format to the targets whose level admits the line', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-log-'));
    try {
      const { targets, unsupported } = openTargets(
        [
          { target: 'info.log', level: 'info' },
          { target: 'err.log', level: 'error' },
          { target: 'syslog:server=unix:/dev/log', level: 'info' },
        ],
        dir,
      );
      expect(unsupported).toEqual(['syslog:server=unix:/dev/log']);
      const log = new ErrorLog(targets, 4242);
      log.write('info', 'client 127.0.0.1:5 connected to 127.0.0.1:143', { conn: 7 });
      log.write('error', 'recv() failed', { conn: 7, errno: ' (111: Connection refused)', context: ' while in http auth state, client: 127.0.0.1' });
      log.write('debug', 'not written');
      for (const t of targets) t.close();
      const info = fs.readFileSync(path.join(dir, 'info.log'), 'latin1').split('\n');
      expect(info[0]).toMatch(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[info\] 4242#0: \*7 client 127\.0\.0\.1:5 connected to 127\.0\.0\.1:143$/);
      expect(info[1]).toMatch(/\[error\] 4242#0: \*7 recv\(\) failed \(111: Connection refused\) while in http auth state, client: 127\.0\.0\.1$/);
      expect(info).toHaveLength(3);
      expect(fs.readFileSync(path.join(dir, 'err.log'), 'latin1').split('\n')).toHaveLength(2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps raw bytes and cuts a line at 2048 bytes with its newline', () => {
    const written: Buffer[] = [];
    const log = new ErrorLog([{ level: 7, write: (b) => written.push(b), close() {} }], 1);
    log.write('info', Buffer.concat([Buffer.from('x "'), Buffer.from([0xc3, 0xa9, 0x0d]), Buffer.from('"')]));
    log.write('info', 'y'.repeat(5000));
    expect(written[0]!.includes(Buffer.from([0xc3, 0xa9, 0x0d]))).toBe(true);
    expect(written[1]!.length).toBe(2048);
    expect(written[1]!.at(-1)).toBe(0x0a);
  });

  it('reads levels as nginx does', () => {
    expect(levelNumber('info')).toBe(7);
    expect(levelNumber('debug_mail debug_core')).toBe(8);
    expect(levelNumber('')).toBe(4);
  });
});
