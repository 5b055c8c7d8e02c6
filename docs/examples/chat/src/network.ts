// `navigator.onLine` as React state. The hooks of @tether/react do not cover it: the client reads it
// to decide whether to attempt, but does not report it.
import { useEffect, useRef, useSyncExternalStore } from 'react';

function subscribe(onChange: () => void): () => void {
  addEventListener('online', onChange);
  addEventListener('offline', onChange);
  return () => {
    removeEventListener('online', onChange);
    removeEventListener('offline', onChange);
  };
}

/** Whether the browser says it is online; renders again when that changes. */
export function useOnline(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => navigator.onLine,
    () => true,
  );
}

/** Calls the latest `handler` with the new value each time the network comes or goes. */
export function useNetworkChange(handler: (online: boolean) => void): void {
  const ref = useRef(handler);
  useEffect(() => {
    ref.current = handler;
  });
  useEffect(() => subscribe(() => ref.current(navigator.onLine)), []);
}
