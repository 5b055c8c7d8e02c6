import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, HandshakeError } from '@tether/node';
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import { OPENSSL, makePki, type Pki } from './harness/certificates';
import { describeInterop } from './harness/contract';
import { NGINX, startNginx, type Nginx } from './harness/nginx';
import type { InteropPeer } from './harness/peer';
import { SETUP_MS, binaryPeer, describeWithPrograms } from './harness/peers';
import { LOOPBACK } from './harness/ports';
import { Recorder } from './harness/recorder';
import { startWsPeer, type WsPeer } from './harness/ws-peer';

// Tether's Node WebSocket over TLS to nginx, which terminates TLS and proxies the Upgrade to a plain
// `ws` server. The CA and the server certificate are made at setup with the openssl CLI; nginx runs
// from a generated config in a temporary prefix and is stopped by its PID.

const programs = [binaryPeer('nginx', NGINX, 'nginx'), binaryPeer('openssl', OPENSSL, 'openssl')];

interface Setup {
  readonly dir: string;
  readonly pki: Pki;
  readonly upstream: WsPeer;
  readonly nginx: Nginx;
}

async function setUp(): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), 'tether-nginx-'));
  const pki = makePki(dir);
  const upstream = await startWsPeer({ name: 'ws behind nginx' });
  try {
    const nginx = await startNginx(join(dir, 'nginx'), upstream.port, pki);
    return { dir, pki, upstream, nginx };
  } catch (error) {
    await upstream.stop();
    throw error;
  }
}

async function tearDown(setup: Setup | undefined): Promise<void> {
  if (setup === undefined) return;
  try {
    await setup.nginx.stop();
    await setup.upstream.stop();
  } finally {
    rmSync(setup.dir, { recursive: true, force: true });
  }
}

describeInterop(
  'nginx (TLS-terminating reverse proxy) in front of ws',
  async (): Promise<InteropPeer> => {
    const setup = await setUp();
    return {
      name: 'nginx',
      url: `wss://${LOOPBACK}:${setup.nginx.port}`,
      clientOptions: { ca: setup.pki.ca },
      compression: true,
      closeSeen: (path) => setup.upstream.closeSeen(path),
      stop: () => tearDown(setup),
    };
  },
  { programs },
);

describeWithPrograms('interop: nginx certificate checks', programs, () => {
  let setup: Setup | undefined;

  beforeAll(async () => {
    setup = await setUp();
  }, SETUP_MS);

  afterAll(async () => {
    await tearDown(setup);
  }, SETUP_MS);

  async function attempt(options: ConstructorParameters<typeof Recorder>[1], host = LOOPBACK): Promise<Recorder> {
    const client = new Recorder(`wss://${host}:${setup!.nginx.port}/cert-check`, options);
    onTestFinished(() => client.dispose());
    // Either it opens or it fails; both end the wait.
    await Promise.race([client.waitOpen(), client.waitClose()]).catch(() => {});
    return client;
  }

  it('connects when the CA that signed the certificate is given', async () => {
    const client = await attempt({ ca: setup!.pki.ca });
    expect(client.log).toEqual(['open']);
    client.socket.close(1000);
    const event = await client.waitClose();
    expect({ code: event.code, wasClean: event.wasClean }).toEqual({ code: 1000, wasClean: true });
    expect(client.errors).toEqual([]);
  });

  it('connects by host name (SNI and the name check use "localhost")', async () => {
    const client = await attempt({ ca: setup!.pki.ca }, 'localhost');
    expect(client.log).toEqual(['open']);
    client.socket.close(1000);
    expect((await client.waitClose()).wasClean).toBe(true);
  });

  it('fails with ERR_TLS_FAILED and close 1006 when only an unrelated CA is trusted', async () => {
    const client = await attempt({ ca: setup!.pki.wrongCa });
    const event = await client.waitClose();
    expect({ code: event.code, wasClean: event.wasClean }).toEqual({ code: 1006, wasClean: false });
    expect(client.errors.map((e) => e.code)).toEqual([ErrorCode.TLS_FAILED]);
    expect(event.error?.code).toBe(ErrorCode.TLS_FAILED);
    expect(client.log).toEqual(['error', 'close']);
    expect(client.errors[0]).not.toBeInstanceOf(HandshakeError);
  });

  it('fails with ERR_TLS_FAILED when no CA is given (the system store does not know the test CA)', async () => {
    const client = await attempt({});
    expect(client.errors.map((e) => e.code)).toEqual([ErrorCode.TLS_FAILED]);
    expect((await client.waitClose()).code).toBe(1006);
  });

  it('fails with ERR_TLS_FAILED when the certificate does not name the host', async () => {
    // The certificate names 127.0.0.1 and localhost; the name checked is the servername given.
    const client = await attempt({ ca: setup!.pki.ca, servername: 'example.test' });
    expect(client.errors.map((e) => e.code)).toEqual([ErrorCode.TLS_FAILED]);
    expect((await client.waitClose()).code).toBe(1006);
  });
});
