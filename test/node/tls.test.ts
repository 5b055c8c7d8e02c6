// wss: TLS with certificate checks on by default, ALPN http/1.1, SNI, and the TLS options.
import type { TLSSocket } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { connect, next, opened, untilClose } from './helpers';
import { CA, OTHER_CA, wssServer } from './tls-server';

describe('wss', () => {
  it('connects with the right CA, offering ALPN http/1.1, and carries messages', async () => {
    const server = await wssServer();
    const ws = await opened(connect(server.url, { ca: CA }));
    ws.send('over TLS');
    expect((await next(ws, 'message')).data).toBe('over TLS');
    expect(server.sockets[0]!.alpnProtocol).toBe('http/1.1');
    // No SNI for an IP literal (RFC 6066 §3).
    expect((server.sockets[0] as TLSSocket & { servername?: string | false }).servername).toBeFalsy();
  });

  it('refuses a certificate from another CA: ERR_TLS_FAILED, close 1006', async () => {
    const server = await wssServer();
    const { order, error, close } = await untilClose(connect(server.url, { ca: OTHER_CA }));
    expect(order).toEqual(['error', 'close']);
    expect(error?.error.code).toBe('ERR_TLS_FAILED');
    expect((error?.error.cause as NodeJS.ErrnoException).code).toMatch(/UNABLE_TO_VERIFY|SELF_SIGNED|CERT/);
    expect(close.code).toBe(1006);
  });

  it('refuses an unknown CA by default (certificate checks on)', async () => {
    const server = await wssServer();
    const { error } = await untilClose(connect(server.url));
    expect(error?.error.code).toBe('ERR_TLS_FAILED');
  });

  it('connects to an unverified server only with rejectUnauthorized: false', async () => {
    const server = await wssServer();
    const ws = await opened(connect(server.url, { ca: OTHER_CA, rejectUnauthorized: false }));
    expect(ws.readyState).toBe(ws.OPEN);
  });

  it('sends servername as SNI and checks the certificate against it', async () => {
    const server = await wssServer();
    const ws = await opened(connect(server.url, { ca: CA, servername: 'localhost' }));
    expect((server.sockets[0] as TLSSocket & { servername?: string }).servername).toBe('localhost');
    ws.close();
    const { error, close } = await untilClose(connect(server.url, { ca: CA, servername: 'wrong.example' }));
    expect(error?.error.code).toBe('ERR_TLS_FAILED');
    expect(close.code).toBe(1006);
  });
});
