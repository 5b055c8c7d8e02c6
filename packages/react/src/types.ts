import type { Client, ClientEvents, ClientState, LifecycleEvents } from '@tether/client';

/**
 * Register your client's type once and every hook is typed by it:
 *
 * ```ts
 * declare module '@tether/react' {
 *   interface Register { client: typeof client } // or Client<In, Out>
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface -- filled in by module augmentation
export interface Register {}

/** What hooks see when no client type is registered: any message with a string `type`. */
export interface UntypedMessage {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** The client type the hooks use: the registered one, else `Client<UntypedMessage, unknown>`. */
export type RegisteredClient = Register extends { client: infer C } ? C : Client<UntypedMessage, unknown>;

/** Every event of client `C`, lifecycle and routed, with its listener type. */
export type EventsOf<C> = C extends Client<infer In, infer Out, infer K, infer _R> ? ClientEvents<In, Out, K> : never;

/** Names of the message events of `C`: `message` (every message) and each routed discriminator value. */
export type MessageEventOf<C> = 'message' | Exclude<keyof EventsOf<C>, keyof LifecycleEvents<unknown, unknown>>;

/** The payload of message event `E` of `C`, narrowed like `client.on(E)`. */
export type MessageOf<C, E extends keyof EventsOf<C>> = EventsOf<C>[E] extends (message: infer M) => void ? M : never;

/** What `useConnection()` returns. */
export interface Connection {
  /** The client's state: `connecting`, `open`, `closing`, `reconnecting` or `closed`. */
  readonly state: ClientState;
  /** The number of the latest retry (from the `reconnecting` event), kept after giving up; 0 once open. */
  readonly attempt: number;
  /** When the next attempt starts (epoch ms, `Date.now()` clock), while `reconnecting`; else null. */
  readonly nextRetryAt: number | null;
  /** Messages waiting in the client's queue. */
  readonly queued: number;
}
