import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, HandshakeError, type WebSocketOptions } from '@tether/node';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { OPENSSL, makePki, type Pki } from './harness/certificates';
import { uniquePath } from './harness/peer';
import { SETUP_MS, binaryPeer, describeWithPrograms } from './harness/peers';
import { LOOPBACK, freePort } from './harness/ports';
import { Recorder, connect } from './harness/recorder';
import { TINYPROXY, startTinyproxy, type Tinyproxy } from './harness/tinyproxy';
import { startWsPeer, type WsPeer } from './harness/ws-peer';

// Tether's Node WebSocket through a real HTTP CONNECT proxy (Debian's tinyproxy), with and without
// Basic authentication, to a plain ws server and to a TLS one (TLS inside the tunnel). The proxies
// run from generated configs in a temporary directory and are stopped by their PIDs.

const programs = [binaryPeer('tinyproxy', TINYPROXY, 'tinyproxy'), binaryPeer('openssl', OPENSSL, 'openssl')];
// tinyproxy's BasicAuth takes user and password as [-a-z0-9._]+.
const AUTH = { user: 'tether', password: 's3cret.pass-word' };

describeWithPrograms('interop: HTTP CONNECT proxy (tinyproxy)', programs, () => {
  let dir: string | undefined;
  let pki: Pki;
  let plain: WsPeer | undefined;
  let secure: WsPeer | undefined;
  let open: Tinyproxy | undefined;
  let guarded: Tinyproxy | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tether-proxy-'));
    pki = makePki(dir);
    plain = await startWsPeer({ name: 'ws behind tinyproxy' });
    secure = await startWsPeer({ name: 'wss behind tinyproxy', tls: { cert: readFileSync(pki.serverCertPath, 'utf8'), key: readFileSync(pki.serverKeyPath, 'utf8') } });
    open = await startTinyproxy(join(dir, 'open'));
    guarded = await startTinyproxy(join(dir, 'auth'), AUTH);
  }, SETUP_MS);

  afterAll(async () => {
    try {
      await open?.stop();
      await guarded?.stop();
      await plain?.stop();
      await secure?.stop();
    } finally {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    }
  }, SETUP_MS);

  async function echoThrough(server: WsPeer, options: WebSocketOptions, label: string): Promise<void> {
    const path = uniquePath(label);
    const client = await connect(`${server.url}${path}`, options);
    onTestFinished(() => client.dispose());
    client.socket.send(`hello through ${label}`);
    expect(await client.message()).toBe(`hello through ${label}`);
    client.socket.close(1000, 'done');
    const event = await client.waitClose();
    expect({ code: event.code, wasClean: event.wasClean }).toEqual({ code: 1000, wasClean: true });
    expect(await server.closeSeen(path)).toMatchObject({ code: 1000, reason: 'done' });
  }

  /** The CONNECT request tinyproxy logged for the server's port: the tunnel really went through it. */
  async function tunnelled(proxy: Tinyproxy, server: WsPeer): Promise<void> {
    const match = await proxy.process.line(new RegExp(`Request \\(file descriptor \\d+\\): CONNECT ${LOOPBACK}:${server.port} HTTP/1\\.1`));
    expect(match[0]).toContain(`CONNECT ${LOOPBACK}:${server.port}`);
  }

  async function failure(url: string, options: WebSocketOptions): Promise<Recorder> {
    const client = new Recorder(url, options);
    onTestFinished(() => client.dispose());
    const event = await client.waitClose();
    expect({ code: event.code, wasClean: event.wasClean }).toEqual({ code: 1006, wasClean: false });
    expect(client.log).toEqual(['error', 'close']);
    return client;
  }

  describe('without authentication', () => {
    it('tunnels ws: through the `proxy` option', async () => {
      await echoThrough(plain!, { proxy: open!.url }, 'ws via proxy option');
      await tunnelled(open!, plain!);
    });

    it('tunnels ws: through HTTP_PROXY from the environment', async () => {
      await echoThrough(plain!, { env: { HTTP_PROXY: open!.url } }, 'ws via HTTP_PROXY');
      await tunnelled(open!, plain!);
    });

    it('tunnels wss: (TLS inside the tunnel) through HTTPS_PROXY, the certificate checked end to end', async () => {
      await echoThrough(secure!, { env: { HTTPS_PROXY: open!.url }, ca: pki.ca }, 'wss via HTTPS_PROXY');
      await tunnelled(open!, secure!);
    });

    it('fails wss: through the proxy with ERR_TLS_FAILED when the CA is not trusted', async () => {
      const client = await failure(`${secure!.url}/untrusted`, { proxy: open!.url, ca: pki.wrongCa });
      expect(client.errors.map((e) => e.code)).toEqual([ErrorCode.TLS_FAILED]);
    });

    it('goes direct when NO_PROXY names the host, even though HTTP_PROXY points at nothing', async () => {
      const nowhere = `http://${LOOPBACK}:${await freePort()}`;
      await echoThrough(plain!, { env: { HTTP_PROXY: nowhere, NO_PROXY: `localhost,${LOOPBACK}` } }, 'ws bypassing the proxy');
    });

    it('fails with ERR_PROXY_FAILED and close 1006 when the proxy cannot be reached', async () => {
      const nowhere = `http://${LOOPBACK}:${await freePort()}`;
      const client = await failure(`${plain!.url}/unreachable-proxy`, { proxy: nowhere });
      expect(client.errors.map((e) => e.code)).toEqual([ErrorCode.PROXY_FAILED]);
    });
  });

  describe('with Basic authentication', () => {
    it('tunnels when the proxy URL carries the right credentials', async () => {
      await echoThrough(plain!, { proxy: guarded!.url }, 'ws via authenticating proxy');
      await tunnelled(guarded!, plain!);
    });

    it('fails with ERR_PROXY_FAILED (status 407) without credentials', async () => {
      const client = await failure(`${plain!.url}/no-credentials`, { proxy: `http://${LOOPBACK}:${guarded!.port}` });
      const [error] = client.errors;
      expect(error?.code).toBe(ErrorCode.PROXY_FAILED);
      expect(error).toBeInstanceOf(HandshakeError);
      expect((error as HandshakeError).status).toBe(407);
      expect((error as HandshakeError).headers['proxy-authenticate']).toMatch(/^Basic /);
    });

    it('fails with ERR_PROXY_FAILED and the refusal status with a wrong password', async () => {
      const client = await failure(`${plain!.url}/wrong-password`, { proxy: `http://${AUTH.user}:wrong@${LOOPBACK}:${guarded!.port}` });
      const [error] = client.errors;
      expect(error?.code).toBe(ErrorCode.PROXY_FAILED);
      // tinyproxy 1.11 answers wrong credentials with "401 Unauthorized" rather than 407.
      expect([401, 407]).toContain((error as HandshakeError).status);
    });
  });
});
