import { createContext, createElement, type ReactElement, type ReactNode, useContext, useEffect, useLayoutEffect } from 'react';
import type { Client, ClientOptions } from '@tether/client';
import { DEFAULTS } from './defaults';
import { acquire, obtain } from './shared';
import { type Store, storeOf } from './store';
import type { RegisteredClient } from './types';

/**
 * A layout effect in the browser (it runs before paint and before the children's passive effects
 * send anything), nothing on the server, where React 18 warns about layout effects.
 */
export const useIsoLayoutEffect = typeof window === 'undefined' ? useEffect : useLayoutEffect;

const Context = createContext<Store | undefined>(undefined);

/** A client you made and own: the provider neither connects nor closes it. */
export interface OwnClientProps<In, Out, K extends string, R> {
  client: Client<In, Out, K, R>;
  options?: never;
  shareKey?: never;
  grace?: never;
  children?: ReactNode;
}

/**
 * A shared client made on demand from `options`: every provider with the same key (by default
 * the URL) uses one client, connected while any of them is mounted and closed `grace` ms after
 * the last one unmounts. Options are read once, when the client is made.
 */
export type SharedClientProps<In, Out, K extends string> = {
  client?: never;
  /** Milliseconds the client stays open after the last provider using it unmounted (default 2000). */
  grace?: number;
  children?: ReactNode;
} & (
  | { options: ClientOptions<In, Out, K> & { url: string }; shareKey?: string }
  | { options: ClientOptions<In, Out, K>; /** Needed when `url` is a function. */ shareKey: string }
);

/**
 * The props of `TetherProvider`: either `client` (a client you created and own; the provider never
 * connects or closes it) or `options` (a client shared by every provider with the same `shareKey`,
 * the URL by default, closed `grace` ms after the last of them unmounts).
 */
export type TetherProviderProps<In, Out, K extends string, R> = OwnClientProps<In, Out, K, R> | SharedClientProps<In, Out, K>;

/** Gives its children a client: yours (`client`), or one shared per endpoint (`options`). */
export function TetherProvider<In, Out, K extends string = 'type', R = Record<never, never>>(props: TetherProviderProps<In, Out, K, R>): ReactElement {
  const { client, options, shareKey, grace = DEFAULTS.grace } = props as {
    client?: Client<In, Out, K, R>;
    options?: ClientOptions<unknown, unknown, string>;
    shareKey?: string;
    grace?: number;
  };
  // Made during render (lazily, without a socket), so that children's effects can already send.
  const s = client ? undefined : obtain(shareKey ?? options?.url, options!);
  useIsoLayoutEffect(() => s && acquire(s, grace), [s]);
  return createElement(Context.Provider, { value: s ?? storeOf(client!) }, props.children);
}

/** The nearest provider's store; throws outside of one. */
export function useStore(): Store {
  const store = useContext(Context);
  if (!store) throw new TypeError('no <TetherProvider>');
  return store;
}

/** The nearest provider's client. */
export function useClient(): RegisteredClient {
  return useStore().client as RegisteredClient;
}
