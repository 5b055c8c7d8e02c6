import { WebSocket, type FrameInfo, type WebSocketOptions } from '@tether/node';
import type { WebSocketConstructor } from '@tether/client';
import type { CliOptions } from './args';

// The client's transport: Tether's own Node WebSocket with the command's options, watched so that
// --verbose can show the handshake and every frame read or written, as it happens.

/** Told about each socket the client creates, and about each frame on it (from the core itself). */
export interface SocketWatcher {
  created(socket: WebSocket): void;
  frame?(socket: WebSocket, frame: FrameInfo): void;
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
      // Frames flow only after connecting, by when `self` is set.
      let self: WebSocket | undefined;
      const frame = watcher.frame;
      const onFrame = frame && ((f: FrameInfo) => self && frame.call(watcher, self, f));
      super(url, { ...options, ...(protocols === undefined ? {} : { protocols }), ...(onFrame ? { onFrame } : {}) });
      self = this;
      watcher.created(this);
    }
  }
  return Watched as unknown as WebSocketConstructor;
}
