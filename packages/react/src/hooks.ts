import { useCallback, useRef, useSyncExternalStore } from 'react';
import { SERVER_CONNECTION } from './defaults';
import { useIsoLayoutEffect, useStore } from './provider';
import type { Emitter, Topic } from './store';
import type { Connection, EventsOf, MessageEventOf, MessageOf, RegisteredClient } from './types';

type C = RegisteredClient;
type Events = EventsOf<C>;

/**
 * `useSyncExternalStore` on a topic with an optional selector: the component renders again only
 * when the selected value changes (React compares snapshots with `Object.is`). The selection is
 * kept per value and selector, so a selector that makes a new object is not a new snapshot each
 * time React asks. An undefined value is never passed to `select`.
 */
function useTopic<S, T>(t: Topic<S>, server: S, select?: (s: S) => T): T {
  const memo = useRef<[S, unknown, T] | undefined>(undefined);
  const pick = (s: S): T => {
    const m = memo.current;
    if (m && m[0] === s && m[1] === select) return m[2];
    const v = (s === undefined || !select ? s : select(s)) as T;
    memo.current = [s, select, v];
    return v;
  };
  return useSyncExternalStore(t.sub, () => pick(t.v), () => pick(server));
}

/**
 * The connection: `{ state, attempt, nextRetryAt, queued }`, or the part `select` picks, in which
 * case only changes of that part render again. Messages never render it. On the server and during
 * hydration the state is `connecting`.
 */
export function useConnection(): Connection;
export function useConnection<T>(select: (connection: Connection) => T): T;
export function useConnection<T>(select?: (connection: Connection) => T): T | Connection {
  return useTopic(useStore().c, SERVER_CONNECTION, select);
}

/**
 * Calls `handler` for each event `type` of the client, typed and narrowed like `client.on(type)`:
 * a discriminator value (`'chat'`), `'message'` for every message, or a lifecycle event (`'close'`,
 * `'error'`…). Always the latest `handler`, without subscribing again; unsubscribed on unmount.
 */
export function useMessage<E extends keyof Events & string>(type: E, handler: Events[E]): void {
  const { client } = useStore();
  const ref = useRef(handler);
  useIsoLayoutEffect(() => {
    ref.current = handler;
  });
  useIsoLayoutEffect(() => {
    const f = (...args: unknown[]) => (ref.current as (...a: unknown[]) => void)(...args);
    (client as unknown as Emitter).on(type, f);
    return () => void (client as unknown as Emitter).off(type, f);
  }, [client, type]);
}

/**
 * The latest message of `type` (or what `select` picks from it) as state, undefined until one
 * arrives. Renders again only when the selected value changes (`Object.is`). Messages are kept
 * from the first time any component asked for that type.
 */
export function useLatest<E extends MessageEventOf<C>>(type: E): MessageOf<C, E> | undefined;
export function useLatest<E extends MessageEventOf<C>, T>(type: E, select: (message: MessageOf<C, E>) => T): T | undefined;
export function useLatest<T>(type: string, select?: (message: never) => T): unknown {
  return useTopic(useStore().l(type), undefined, select as ((m: unknown) => T) | undefined);
}

/** `client[method]` bound to the provider's client and stable for its life; refreshes `queued`. */
function useBound<M extends 'send' | 'request'>(method: M): C[M] {
  const store = useStore();
  return useCallback(
    (...args: never[]) => {
      const { client, u: update } = store;
      const r = (client[method] as (...a: never[]) => unknown)(...args);
      update();
      // A request leaves the queue when it is answered, times out or is aborted, without an event.
      if (r instanceof Promise) r.then(update, update);
      return r;
    },
    [store],
  ) as C[M];
}

/** `client.send`, stable for the life of the client. */
export const useSend = (): C['send'] => useBound('send');

/** `client.request`, stable for the life of the client; the reply is typed from the request. */
export const useRequest = (): C['request'] => useBound('request');
