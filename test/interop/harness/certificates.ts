import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// A throwaway PKI made with the openssl CLI at test setup: a CA, a server certificate it signs for
// 127.0.0.1 and localhost, and a second, unrelated CA that must not be trusted for that server.
// EC P-256 keys, valid for one day.

export const OPENSSL = '/usr/bin/openssl';

export interface Pki {
  readonly dir: string;
  /** PEM of the CA that signed the server certificate. */
  readonly ca: string;
  /** PEM of a CA that signed nothing here. */
  readonly wrongCa: string;
  readonly serverCertPath: string;
  readonly serverKeyPath: string;
}

function openssl(dir: string, args: readonly string[]): void {
  execFileSync(OPENSSL, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
}

function makeCa(dir: string, name: string, subject: string): void {
  openssl(dir, [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '1', '-subj', subject,
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

export function makePki(dir: string): Pki {
  makeCa(dir, 'ca', '/CN=Tether Interop Test CA');
  makeCa(dir, 'wrong-ca', '/CN=Tether Interop Wrong CA');
  openssl(dir, [
    'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost',
  ]);
  writeFileSync(
    join(dir, 'server.ext'),
    [
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      '',
    ].join('\n'),
  );
  openssl(dir, [
    'x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'server.crt', '-days', '1', '-extfile', 'server.ext',
  ]);
  return {
    dir,
    ca: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    wrongCa: readFileSync(join(dir, 'wrong-ca.crt'), 'utf8'),
    serverCertPath: join(dir, 'server.crt'),
    serverKeyPath: join(dir, 'server.key'),
  };
}
