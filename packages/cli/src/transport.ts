import { WebSocket, type WebSocketOptions } from '@tether/node';
import type { WebSocketConstructor } from '@tether/client';
import type { CliOptions } from './args';

// The client's transport: Tether's own Node WebSocket with the command's options, watched so that
// --verbose can show the handshake and what goes out (sends, pings, the close frame) as it happens.

/** Told about each socket the client creates, and about what is sent on it. */
export interface SocketWatcher {
  created(socket: WebSocket): void;
  sending(socket: WebSocket, data: string | Uint8Array): void;
  /** `length`: bytes of ping payload. */
  pinging(socket: WebSocket, length: number): void;
  closing(socket: WebSocket, code: number | undefined, reason: string | undefined): void;
}

/** The @tether/node options for what the command line asked. */
export function nodeOptions(o: CliOptions): WebSocketOptions {
  const options: WebSocketOptions = { headers: o.headers, perMessageDeflate: o.deflate };
  if (o.origin !== undefined) options.origin = o.origin;
  if (o.ca !== undefined) options.ca = o.ca;
  if (o.insecure) options.rejectUnauthorized = false;
  if (o.proxy !== undefined) options.proxy = o.proxy;
  return options;
}

/** A WebSocket constructor for `createClient({ transport })` that reports to `watcher`. */
export function watchedTransport(options: WebSocketOptions, watcher: SocketWatcher): WebSocketConstructor {
  class Watched extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols === undefined ? options : { ...options, protocols });
      watcher.created(this);
    }
    override send(data: string | Uint8Array): void {
      super.send(data);
      // After super.send, which throws while connecting: only what was really sent is shown.
      watcher.sending(this, data);
    }
    override ping(data?: string | ArrayBuffer | ArrayBufferView): void {
      super.ping(data);
      watcher.pinging(this, typeof data === 'string' ? Buffer.byteLength(data) : (data?.byteLength ?? 0));
    }
    override close(code?: number, reason?: string): void {
      const open = this.readyState === WebSocket.OPEN;
      super.close(code, reason);
      if (open) watcher.closing(this, code, reason);
    }
  }
  return Watched as unknown as WebSocketConstructor;
}
