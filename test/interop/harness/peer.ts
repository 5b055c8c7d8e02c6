import type { WebSocketOptions } from '@tether/node';
import { deferred, within, type Deferred } from './deadline';
import { STEP_MS } from './recorder';

// What every interop peer offers the shared suite (contract.ts). Each peer runs the same small echo
// service (subprotocols "chat" and "superchat" accepted), driven by text commands so that one
// suite covers `ws`, Python's websockets and nginx:
//
//   any other message         echoed back with the same type
//   "cmd:close <code> <why>"  the server starts the closing handshake with that code and reason
//   "cmd:abort"               the server drops the TCP connection without a close frame
//   "cmd:ping <text>"         the server pings with <text>, then sends "pong:<data of the pong>"
//   "cmd:fragments <a> <b>…"  the server sends one text message made of those fragments, one frame each
//
// and tells the suite which close code and reason it received on the connection to each path, and
// how many messages came before it.

export interface CloseSeen {
  readonly code: number;
  readonly reason: string;
  /** Messages the server received on that connection (commands included). */
  readonly received: number;
}

export interface InteropPeer {
  readonly name: string;
  /** `ws://127.0.0.1:port` or `wss://127.0.0.1:port`, without a path. */
  readonly url: string;
  /** Options every client of this peer needs (a CA, say). */
  readonly clientOptions: WebSocketOptions;
  /** Whether the peer negotiates permessage-deflate when the client offers it. */
  readonly compression: boolean;
  /** The close code and reason the server saw on the connection opened to `path`. */
  closeSeen(path: string): Promise<CloseSeen>;
  stop(): Promise<void>;
}

/** Close reports by path: the peer calls `report`, the suite awaits `seen`. */
export class CloseReports {
  private readonly byPath = new Map<string, Deferred<CloseSeen>>();

  private entry(path: string): Deferred<CloseSeen> {
    let entry = this.byPath.get(path);
    if (entry === undefined) {
      entry = deferred<CloseSeen>();
      this.byPath.set(path, entry);
    }
    return entry;
  }

  report(path: string, seen: CloseSeen): void {
    this.entry(path).resolve(seen);
  }

  seen(path: string, peer: string): Promise<CloseSeen> {
    return within(this.entry(path).promise, STEP_MS, `${peer} reporting the close of ${path}`);
  }
}

let counter = 0;

/** A path no other test uses, so that close reports cannot be mixed up. */
export function uniquePath(label: string): string {
  counter += 1;
  return `/t${counter}-${label.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}`;
}
