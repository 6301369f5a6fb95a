/**
 * Generates the benchmark configuration: 6,000 mail servers of 9 lines each (about 54,000
 * lines), valid for nginx -t, written for both nginx (with load_module and a pid in the
 * prefix) and mailconf.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function generateConfig(servers = 6000, { prefix = null, moduleLine = true } = {}) {
  const out = [];
  if (moduleLine) out.push('load_module /usr/lib/nginx/modules/ngx_mail_module.so;');
  out.push('worker_processes 1;');
  if (prefix) out.push(`pid ${path.join(prefix, 'nginx.pid')};`, 'error_log stderr;');
  out.push(`events {`, `    worker_connections ${servers + 1000};`, `}`, '', 'mail {', '    auth_http 127.0.0.1:9000/auth;', '    server_name mail.example.org;', '    proxy_pass_error_message on;');
  for (let i = 0; i < servers; i++) {
    out.push(
      '    server {',
      `        listen ${10000 + i};`,
      `        protocol ${i % 3 === 0 ? 'imap' : i % 3 === 1 ? 'pop3' : 'smtp'};`,
      `        server_name s${i}.example.org;`,
      '        timeout 30s;',
      '        proxy_timeout 10m;',
      `        # backend group ${i % 17}`,
      '        error_log stderr info;',
      '    }',
    );
  }
  out.push('}', '');
  return out.join('\n');
}

export function writeConfig(dir, name, text) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}
