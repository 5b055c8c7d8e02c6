import { ErrorCode } from '@tether/node';
import { cleanClose, handshakeFails } from '../harness/expect';
import { text } from '../harness/frames';
import type { ConformanceCase } from '../harness/run-case';
import { respond, type ServerSide } from '../harness/scripted-server';

// The client's side of an HTTP CONNECT proxy (RFC 9110 §9.3.6): the scripted server plays the proxy
// first, then (after a 2xx) the WebSocket server inside the tunnel. Bad answers fail with
// ERR_PROXY_FAILED and close 1006; proxy credentials go to the proxy and never to the server.

const CATEGORY = 'Proxy';
const ESTABLISHED = 'HTTP/1.1 200 Connection established\r\n\r\n';

function refusal(code: number, reason: string, headers: readonly string[] = []): string {
  const body = `${code} ${reason}\n`;
  return [`HTTP/1.1 ${code} ${reason}`, ...headers, `Content-Length: ${body.length}`, '', body].join('\r\n');
}

/** The proxy's part for refusals: the client must close the connection itself. */
async function untilClientLeaves(s: ServerSide): Promise<void> {
  await s.clientEnded;
}

export const PROXY_CASES: readonly ConformanceCase[] = [
  {
    id: 'P.1',
    category: CATEGORY,
    title: 'CONNECT answered 200: the Upgrade goes through the tunnel',
    proxy: { answer: () => ESTABLISHED },
    script: async (s) => {
      const connect = s.connectRequest?.head.split('\r\n')[0] ?? '';
      const target = `127.0.0.1:${s.request.headers['host']?.split(':')[1] ?? ''}`;
      if (connect !== `CONNECT ${target} HTTP/1.1`) throw new Error(`the proxy was asked ${JSON.stringify(connect)}`);
      if (s.connectRequest?.headers['host'] !== target) throw new Error('the CONNECT request lacks Host: host:port');
      await s.closeNormally();
    },
    expect: cleanClose(),
  },
  {
    id: 'P.2',
    category: CATEGORY,
    title: 'credentials in the proxy URL go to the proxy as Basic and never to the server',
    proxy: { answer: () => ESTABLISHED, credentials: 'user:p%40ss' },
    script: async (s) => {
      const expected = `Basic ${Buffer.from('user:p@ss').toString('base64')}`;
      if (s.connectRequest?.headers['proxy-authorization'] !== expected) throw new Error('the CONNECT request lacks the Basic credentials');
      if (s.request.headers['proxy-authorization'] !== undefined) throw new Error('Proxy-Authorization leaked into the Upgrade request');
      if (s.request.headers['authorization'] !== undefined) throw new Error('Authorization appeared in the Upgrade request');
      await s.closeNormally();
    },
    expect: cleanClose(),
  },
  {
    id: 'P.3',
    category: CATEGORY,
    title: 'the 101 and the first frame in one packet, inside the tunnel',
    proxy: { answer: () => ESTABLISHED },
    handshake: (request) => Buffer.concat([Buffer.from(respond(request), 'latin1'), text('through the tunnel')]),
    script: async (s) => {
      await s.expectEcho('through the tunnel');
      await s.closeNormally();
    },
    expect: cleanClose(1000, { messages: 1 }),
  },
  ...(
    [
      ['P.4', 407, 'Proxy Authentication Required', ['Proxy-Authenticate: Basic realm="test"']],
      ['P.5', 403, 'Forbidden', []],
      ['P.6', 502, 'Bad Gateway', []],
    ] as const
  ).map(
    ([id, code, reason, headers]): ConformanceCase => ({
      id,
      category: CATEGORY,
      title: `CONNECT answered ${code} ${reason}`,
      proxy: { answer: () => refusal(code, reason, headers) },
      script: untilClientLeaves,
      expect: handshakeFails(ErrorCode.PROXY_FAILED, { status: code }),
    }),
  ),
  {
    id: 'P.7',
    category: CATEGORY,
    title: 'the proxy closes the connection without answering',
    proxy: { answer: () => null },
    script: async (s) => s.end(),
    expect: handshakeFails(ErrorCode.PROXY_FAILED),
  },
  {
    id: 'P.8',
    category: CATEGORY,
    title: 'the proxy answers something that is not HTTP',
    proxy: { answer: () => 'SSH-2.0-OpenSSH_9.2\r\n\r\n' },
    script: untilClientLeaves,
    expect: handshakeFails(ErrorCode.PROXY_FAILED),
  },
  {
    id: 'P.9',
    category: CATEGORY,
    title: 'the proxy never answers (handshakeTimeout 300 ms)',
    options: { handshakeTimeout: 300 },
    proxy: { answer: () => null },
    script: untilClientLeaves,
    expect: handshakeFails(ErrorCode.HANDSHAKE_TIMEOUT),
  },
];
