import { ErrorCode } from '@tether/node';
import type { Expected } from './run-case';
import { chop } from './frames';
import type { ServerSide } from './scripted-server';

// The few shapes every expected outcome takes, and the scripts most cases share.

/** The closing handshake completed: the client echoed `code` and reports it, clean. */
export function cleanClose(code = 1000, extra: Partial<Expected> = {}): Expected {
  return { sent: code, error: null, close: { code, wasClean: true }, ...extra };
}

/**
 * The client failed the connection (RFC 6455 §7.1.7): close frame with `closeCode`, error `error`,
 * and a close event with 1006, since no close frame was received (§7.1.5).
 */
export function fails(error: ErrorCode, closeCode: number, extra: Partial<Expected> = {}): Expected {
  return { sent: closeCode, error, close: { code: 1006, wasClean: false }, ...extra };
}

export const failsProtocol = (error: ErrorCode, extra: Partial<Expected> = {}): Expected => fails(error, 1002, extra);

/** The opening handshake failed: no close frame, error `error`, close 1006. */
export function handshakeFails(error: ErrorCode, extra: Partial<Expected> = {}): Expected {
  return { sent: 'none', error, close: { code: 1006, wasClean: false }, ...extra };
}

/** The connection dropped without a closing handshake: close 1006. */
export function dropped(error: ErrorCode = ErrorCode.CONNECTION_LOST, sent: Expected['sent'] = 'none'): Expected {
  return { sent, error, close: { code: 1006, wasClean: false } };
}

/** How a script writes its frames: in one chunk, one frame per write, or in chops of n bytes. */
export type WriteMode = 'together' | 'apart' | number;

export type FrameSource = readonly Uint8Array[] | ((s: ServerSide) => Promise<readonly Uint8Array[]>);

async function writeFrames(s: ServerSide, source: FrameSource, write: WriteMode): Promise<void> {
  const frames = typeof source === 'function' ? await source(s) : source;
  if (write === 'together') await s.write(...frames);
  else if (write === 'apart') await s.writeEach(frames);
  else await s.writeEach(chop(Buffer.concat(frames), write));
}

/** Writes the frames, checks each echo in order, then closes normally. */
export function echoes(frames: FrameSource, replies: ReadonlyArray<string | Uint8Array>, write: WriteMode = 'together') {
  return async (s: ServerSide): Promise<void> => {
    await writeFrames(s, frames, write);
    for (const reply of replies) await s.expectEcho(reply);
    await s.closeNormally();
  };
}

/** Writes the frames, then waits for the client's close frame. */
export function provokes(frames: FrameSource, write: WriteMode = 'together') {
  return async (s: ServerSide): Promise<void> => {
    await writeFrames(s, frames, write);
    await s.awaitClose();
  };
}

/** Writes the frames, waits for the client's answering close frame, then closes TCP. */
export function answers(frames: FrameSource, write: WriteMode = 'together') {
  return async (s: ServerSide): Promise<void> => {
    await writeFrames(s, frames, write);
    await s.awaitClose();
    s.end();
  };
}
