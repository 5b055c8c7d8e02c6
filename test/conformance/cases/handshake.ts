import { createHash } from 'node:crypto';
import { ErrorCode } from '@tether/node';
import { computeAccept } from '@tether/protocol';
import { cleanClose, handshakeFails } from '../harness/expect';
import { close, text } from '../harness/frames';
import type { ConformanceCase } from '../harness/run-case';
import { respond, type ResponseChanges, type ServerSide, type UpgradeRequest } from '../harness/scripted-server';

// Bad answers to the Upgrade request (RFC 6455 §4.1, "the client MUST validate the server's
// response"), bounded response heads, a server that never answers, and frames riding in the same
// TCP packet as the 101. A failed handshake sends no close frame and ends with close 1006.

const CATEGORY = 'Handshake';

function botched(changes: ResponseChanges): (request: UpgradeRequest) => string {
  return (request) => respond(request, changes);
}

/** A handshake that must succeed: the server closes normally at once. */
async function closeAtOnce(s: ServerSide): Promise<void> {
  await s.closeNormally();
}

/** A non-101 answer with a body, as real servers send. */
function status(code: number, reason: string, headers: readonly string[] = []): (request: UpgradeRequest) => string {
  const body = `${code} ${reason}\n`;
  return () => [`HTTP/1.1 ${code} ${reason}`, 'Content-Type: text/plain', `Content-Length: ${body.length}`, ...headers, '', body].join('\r\n');
}

const accept: ConformanceCase[] = [
  {
    id: 'H.1.1',
    category: CATEGORY,
    title: 'Sec-WebSocket-Accept for another key',
    handshake: botched({ headers: { 'Sec-WebSocket-Accept': 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=' } }),
    expect: handshakeFails(ErrorCode.ACCEPT_MISMATCH, { status: 101 }),
  },
  {
    id: 'H.1.2',
    category: CATEGORY,
    title: 'Sec-WebSocket-Accept missing',
    handshake: botched({ headers: { 'Sec-WebSocket-Accept': null } }),
    expect: handshakeFails(ErrorCode.ACCEPT_MISSING, { status: 101 }),
  },
  {
    id: 'H.1.3',
    category: CATEGORY,
    title: 'Sec-WebSocket-Accept computed without the GUID',
    handshake: (request) => respond(request, { headers: { 'Sec-WebSocket-Accept': createHash('sha1').update(request.key).digest('base64') } }),
    expect: handshakeFails(ErrorCode.ACCEPT_MISMATCH),
  },
  {
    id: 'H.1.4',
    category: CATEGORY,
    title: 'Sec-WebSocket-Accept sent twice (right, then wrong)',
    handshake: botched({ extra: ['Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo='] }),
    expect: handshakeFails(ErrorCode.ACCEPT_MISMATCH),
  },
];

/** Upgrade and Connection values: RFC 6455 §4.1 steps 2 and 3 (null: the header is left out). */
const HEADERS = [
  { id: 'H.2.1', header: 'Upgrade', value: null, error: ErrorCode.UPGRADE_HEADER },
  { id: 'H.2.2', header: 'Upgrade', value: 'h2c', error: ErrorCode.UPGRADE_HEADER },
  { id: 'H.2.3', header: 'Upgrade', value: 'websocket2', error: ErrorCode.UPGRADE_HEADER },
  { id: 'H.2.4', header: 'Upgrade', value: 'web socket', error: ErrorCode.UPGRADE_HEADER },
  { id: 'H.2.5', header: 'Upgrade', value: 'WebSocket', error: null },
  { id: 'H.3.1', header: 'Connection', value: null, error: ErrorCode.CONNECTION_HEADER },
  { id: 'H.3.2', header: 'Connection', value: 'keep-alive', error: ErrorCode.CONNECTION_HEADER },
  { id: 'H.3.3', header: 'Connection', value: 'Upgraded', error: ErrorCode.CONNECTION_HEADER },
  { id: 'H.3.4', header: 'Connection', value: 'close', error: ErrorCode.CONNECTION_HEADER },
  { id: 'H.3.5', header: 'Connection', value: 'keep-alive, Upgrade', error: null },
  { id: 'H.3.6', header: 'Connection', value: 'UPGRADE', error: null },
] as const;

const upgradeAndConnection: ConformanceCase[] = HEADERS.map(
  ({ id, header, value, error }): ConformanceCase => ({
    id,
    category: CATEGORY,
    title: value === null ? `${header} missing` : `${header}: ${value}${error === null ? ' (accepted)' : ''}`,
    handshake: botched({ headers: { [header]: value } }),
    ...(error === null ? { script: closeAtOnce, expect: cleanClose() } : { expect: handshakeFails(error) }),
  }),
);

const statuses: ConformanceCase[] = [
  { id: 'H.4.1', code: 200, reason: 'OK', headers: [], error: ErrorCode.HANDSHAKE_STATUS },
  { id: 'H.4.2', code: 400, reason: 'Bad Request', headers: [], error: ErrorCode.HANDSHAKE_STATUS },
  { id: 'H.4.3', code: 403, reason: 'Forbidden', headers: [], error: ErrorCode.HANDSHAKE_STATUS },
  { id: 'H.4.4', code: 426, reason: 'Upgrade Required', headers: ['Sec-WebSocket-Version: 13'], error: ErrorCode.HANDSHAKE_STATUS },
  { id: 'H.4.5', code: 503, reason: 'Service Unavailable', headers: ['Retry-After: 30'], error: ErrorCode.HANDSHAKE_STATUS },
  { id: 'H.4.6', code: 302, reason: 'Found', headers: ['Location: ws://127.0.0.1:1/elsewhere'], error: ErrorCode.HANDSHAKE_REDIRECT },
].map(
  ({ id, code, reason, headers, error }): ConformanceCase => ({
    id,
    category: CATEGORY,
    title: `${code} ${reason} instead of 101${error === ErrorCode.HANDSHAKE_REDIRECT ? ' (redirects not followed)' : ''}`,
    handshake: status(code, reason, headers),
    expect: handshakeFails(error, { status: code }),
  }),
);

const negotiation: ConformanceCase[] = [
  {
    id: 'H.5.1',
    category: CATEGORY,
    title: 'a subprotocol though none was offered',
    handshake: botched({ headers: { 'Sec-WebSocket-Protocol': 'chat' } }),
    expect: handshakeFails(ErrorCode.SUBPROTOCOL_UNSOLICITED),
  },
  {
    id: 'H.5.2',
    category: CATEGORY,
    title: 'a subprotocol that was not among those offered',
    protocols: ['chat', 'superchat'],
    handshake: botched({ headers: { 'Sec-WebSocket-Protocol': 'other' } }),
    expect: handshakeFails(ErrorCode.SUBPROTOCOL_MISMATCH),
  },
  {
    id: 'H.5.3',
    category: CATEGORY,
    title: 'one of the offered subprotocols: accepted and reported in `protocol`',
    protocols: ['chat', 'superchat'],
    handshake: botched({ headers: { 'Sec-WebSocket-Protocol': 'superchat' } }),
    client: (ws) => ws.close(1000, ws.protocol),
    script: async (s) => {
      const sent = await s.awaitClose();
      if (sent === 'none' || sent === 'empty' || sent.reason !== 'superchat') throw new Error('`protocol` was not "superchat"');
      if (s.request.headers['sec-websocket-protocol'] !== 'chat, superchat') throw new Error('the offer was not "chat, superchat"');
      await s.write(close(1000));
      s.end();
    },
    expect: cleanClose(),
  },
  {
    id: 'H.5.4',
    category: CATEGORY,
    title: 'an extension that was not offered',
    handshake: botched({ headers: { 'Sec-WebSocket-Extensions': 'x-custom-extension' } }),
    expect: handshakeFails(ErrorCode.EXTENSION_UNSOLICITED),
  },
  {
    id: 'H.5.5',
    category: CATEGORY,
    title: 'permessage-deflate when the client offered nothing',
    options: { perMessageDeflate: false },
    handshake: botched({ headers: { 'Sec-WebSocket-Extensions': 'permessage-deflate' } }),
    expect: handshakeFails(ErrorCode.EXTENSION_UNSOLICITED),
  },
  {
    id: 'H.5.6',
    category: CATEGORY,
    title: 'permessage-deflate twice',
    handshake: botched({ headers: { 'Sec-WebSocket-Extensions': 'permessage-deflate, permessage-deflate' } }),
    expect: handshakeFails(ErrorCode.EXTENSION_UNSOLICITED),
  },
  {
    id: 'H.5.7',
    category: CATEGORY,
    title: 'permessage-deflate with server_max_window_bits=7 (out of range)',
    handshake: botched({ headers: { 'Sec-WebSocket-Extensions': 'permessage-deflate; server_max_window_bits=7' } }),
    expect: handshakeFails(ErrorCode.EXTENSION_PARAMS),
  },
  {
    id: 'H.5.8',
    category: CATEGORY,
    title: 'permessage-deflate with an unknown parameter',
    handshake: botched({ headers: { 'Sec-WebSocket-Extensions': 'permessage-deflate; unknown_param=1' } }),
    expect: handshakeFails(ErrorCode.EXTENSION_PARAMS),
  },
  {
    id: 'H.5.9',
    category: CATEGORY,
    title: 'permessage-deflate with a parameter twice',
    handshake: botched({ headers: { 'Sec-WebSocket-Extensions': 'permessage-deflate; server_no_context_takeover; server_no_context_takeover' } }),
    expect: handshakeFails(ErrorCode.EXTENSION_PARAMS),
  },
  {
    id: 'H.5.10',
    category: CATEGORY,
    title: 'permessage-deflate with a quoted parameter value (server_max_window_bits="10"): accepted',
    handshake: botched({ headers: { 'Sec-WebSocket-Extensions': 'permessage-deflate; server_max_window_bits="10"' } }),
    client: (ws) => ws.close(1000, ws.extensions),
    script: async (s) => {
      const sent = await s.awaitClose();
      if (sent === 'none' || sent === 'empty' || !sent.reason.startsWith('permessage-deflate')) throw new Error('`extensions` did not name permessage-deflate');
      await s.write(close(1000));
      s.end();
    },
    expect: cleanClose(),
  },
  {
    id: 'H.5.11',
    category: CATEGORY,
    title: 'header names in lower case and values in upper case: accepted',
    handshake: (request) =>
      respond(request, {
        headers: { Upgrade: null, Connection: null, 'Sec-WebSocket-Accept': null },
        extra: ['upgrade: WEBSOCKET', 'connection: UPGRADE', `sec-websocket-accept: ${computeAccept(request.key)}`],
      }),
    script: closeAtOnce,
    expect: cleanClose(),
  },
];

const heads: ConformanceCase[] = [
  {
    id: 'H.6.1',
    category: CATEGORY,
    title: 'a 101 with 200 header lines (over maxHeaderCount 100)',
    handshake: botched({ extra: Array.from({ length: 200 }, (_, i) => `X-Flood-${i}: ${i}`) }),
    expect: handshakeFails(ErrorCode.HTTP_TOO_MANY_HEADERS),
  },
  {
    id: 'H.6.2',
    category: CATEGORY,
    title: 'a 101 with one 20 KiB header (over maxHeaderBytes 16 KiB)',
    handshake: botched({ extra: [`X-Large: ${'v'.repeat(20 * 1024)}`] }),
    expect: handshakeFails(ErrorCode.HTTP_HEADERS_TOO_LARGE),
  },
  {
    id: 'H.6.3',
    category: CATEGORY,
    title: 'an endless head: 1 KiB header lines written until the client gives up (at most 1 MiB)',
    handshake: () => null,
    script: async (s) => {
      await s.write('HTTP/1.1 101 Switching Protocols\r\n');
      for (let i = 0; i < 1024 && !s.gone; i++) await s.write(`X-Endless-${i}: ${'e'.repeat(1000)}\r\n`);
      await s.clientEnded;
      if (!s.gone) throw new Error('the client read 1 MiB of response head');
    },
    expect: handshakeFails(ErrorCode.HTTP_HEADERS_TOO_LARGE),
  },
  {
    id: 'H.6.4',
    category: CATEGORY,
    title: 'a status line that is not HTTP ("ICY 101 OK")',
    handshake: (request) => respond(request, { statusLine: 'ICY 101 OK' }),
    expect: handshakeFails(ErrorCode.HTTP_MALFORMED),
  },
  {
    id: 'H.6.5',
    category: CATEGORY,
    title: 'a status code that is not three digits ("HTTP/1.1 1O1")',
    handshake: (request) => respond(request, { statusLine: 'HTTP/1.1 1O1 Switching Protocols' }),
    expect: handshakeFails(ErrorCode.HTTP_MALFORMED),
  },
  {
    id: 'H.6.6',
    category: CATEGORY,
    title: 'an obsolete folded header line',
    handshake: botched({ extra: ['X-Folded: first', ' continued'] }),
    expect: handshakeFails(ErrorCode.HTTP_MALFORMED),
  },
  {
    id: 'H.6.7',
    category: CATEGORY,
    title: 'a header name with a space before the colon',
    handshake: botched({ extra: ['X-Bad Name: value'] }),
    expect: handshakeFails(ErrorCode.HTTP_MALFORMED),
  },
];

const timing: ConformanceCase[] = [
  {
    id: 'H.7.1',
    category: CATEGORY,
    title: 'a server that never answers (handshakeTimeout 300 ms)',
    options: { handshakeTimeout: 300 },
    handshake: () => null,
    script: async (s) => s.clientEnded,
    expect: handshakeFails(ErrorCode.HANDSHAKE_TIMEOUT),
  },
  {
    id: 'H.7.2',
    category: CATEGORY,
    title: 'a server that sends half a head, then nothing (handshakeTimeout 300 ms)',
    options: { handshakeTimeout: 300 },
    handshake: () => 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n',
    script: async (s) => s.clientEnded,
    expect: handshakeFails(ErrorCode.HANDSHAKE_TIMEOUT),
  },
  {
    id: 'H.7.3',
    category: CATEGORY,
    title: 'a server that closes TCP without answering',
    handshake: () => null,
    script: async (s) => s.end(),
    expect: handshakeFails(ErrorCode.CONNECTION_FAILED),
  },
  {
    id: 'H.7.4',
    category: CATEGORY,
    title: 'a server that closes TCP in the middle of the head',
    handshake: () => 'HTTP/1.1 101 Switching Protocols\r\nUpgr',
    script: async (s) => s.end(),
    expect: handshakeFails(ErrorCode.CONNECTION_FAILED),
  },
];

const piggyback: ConformanceCase[] = [
  {
    id: 'H.8.1',
    category: CATEGORY,
    title: 'the first frame in the same TCP packet as the 101',
    handshake: (request) => Buffer.concat([Buffer.from(respond(request), 'latin1'), text('first frame')]),
    script: async (s) => {
      await s.expectEcho('first frame');
      await s.closeNormally();
    },
    expect: cleanClose(1000, { messages: 1 }),
  },
  {
    id: 'H.8.2',
    category: CATEGORY,
    title: 'the 101, two messages and a close frame in one packet',
    handshake: (request) => Buffer.concat([Buffer.from(respond(request), 'latin1'), text('one'), text('two'), close(1000, 'all at once')]),
    script: async (s) => {
      await s.expectEcho('one');
      await s.expectEcho('two');
      await s.awaitClose();
      s.end();
    },
    expect: cleanClose(1000, { messages: 2, close: { code: 1000, wasClean: true, reason: 'all at once' } }),
  },
  {
    id: 'H.8.3',
    category: CATEGORY,
    title: 'the 101 and a first frame written one byte at a time',
    handshake: () => null,
    script: async (s) => {
      const bytes = Buffer.concat([Buffer.from(respond(s.request), 'latin1'), text('slow')]);
      await s.writeEach([...bytes].map((b) => Buffer.from([b])));
      await s.expectEcho('slow');
      await s.closeNormally();
    },
    expect: cleanClose(1000, { messages: 1 }),
  },
];

export const HANDSHAKE_CASES: readonly ConformanceCase[] = [...accept, ...upgradeAndConnection, ...statuses, ...negotiation, ...heads, ...timing, ...piggyback];
