// Type tests: checked by `tsc` (pnpm typecheck), and run as ordinary tests so they count.
// Every `@ts-expect-error` fails the type check if the line below it ever compiles.
import type { StandardSchemaV1 as SpecSchema } from '@standard-schema/spec';
import { describe, expectTypeOf, it } from 'vitest';
import type { TetherError } from '@tether/protocol';
import { type Client, createClient } from './client';
import { FakeSocket, fakeTransport } from './fake-socket';
import type { StandardSchemaV1 } from './schema';
import type { ClientError, ClientState, CloseEvent, DropEvent, SendResult, WebSocketConstructor } from './types';

type In = { type: 'chat'; text: string } | { type: 'presence'; users: string[] } | { type: 'user'; id: string; name: string };
type Out = { type: 'say'; text: string } | { type: 'getUser'; userId: string; id?: string } | { type: 'user'; id?: string };

const { transport } = fakeTransport(FakeSocket);
const make = () => createClient<In, Out>({ url: 'ws://x', transport, lazy: true });

describe('types', () => {
  it('lifecycle events have typed listeners', () => {
    const c = make();
    c.on('open', (info) => expectTypeOf(info.protocol).toEqualTypeOf<string>());
    c.on('message', (m) => expectTypeOf(m).toEqualTypeOf<In>());
    c.on('close', (e) => {
      expectTypeOf(e).toEqualTypeOf<CloseEvent>();
      expectTypeOf(e.reconnect).toEqualTypeOf<boolean>();
      expectTypeOf(e.code).toEqualTypeOf<number>();
    });
    c.on('error', (e) => {
      expectTypeOf(e).toEqualTypeOf<ClientError>();
      expectTypeOf(e).toMatchTypeOf<TetherError>();
    });
    c.on('reconnecting', (r) => expectTypeOf(r).toEqualTypeOf<{ readonly attempt: number; readonly delay: number }>());
    c.on('state', (s, prev) => {
      expectTypeOf(s).toEqualTypeOf<ClientState>();
      expectTypeOf(prev).toEqualTypeOf<ClientState>();
    });
    c.on('drop', (d) => expectTypeOf(d).toEqualTypeOf<DropEvent<Out>>());
    // @ts-expect-error: no such event
    c.on('opne', () => {});
    // @ts-expect-error: wrong listener shape
    c.on('reconnecting', (attempt: string) => attempt);
  });

  it('routes by discriminator with the payload narrowed', () => {
    const c = make();
    c.on('chat', (m) => {
      expectTypeOf(m).toEqualTypeOf<{ type: 'chat'; text: string }>();
      return m.text;
    });
    c.on('presence', (m) => expectTypeOf(m.users).toEqualTypeOf<string[]>());
    // @ts-expect-error: 'say' is outgoing, not incoming
    c.on('say', () => {});
    // @ts-expect-error: a chat has no users
    c.on('chat', (m) => m.users);
  });

  it('routes by a configured discriminator', () => {
    type K = { kind: 'a'; n: number } | { kind: 'b'; s: string };
    const c = createClient<K, never, 'kind'>({ url: 'ws://x', transport, discriminator: 'kind' });
    c.on('a', (m) => expectTypeOf(m.n).toEqualTypeOf<number>());
    // @ts-expect-error: the discriminator must match the type parameter
    createClient<K, never>({ url: 'ws://x', discriminator: 'kind' });
  });

  it('an untyped client has no routed events', () => {
    const c = createClient({ url: 'ws://x', transport });
    c.on('message', (m) => expectTypeOf(m).toEqualTypeOf<unknown>());
    // @ts-expect-error: nothing to route
    c.on('chat', () => {});
  });

  it('send accepts Out only and says what happened', () => {
    const c = make();
    expectTypeOf(c.send({ type: 'say', text: 'hi' })).toEqualTypeOf<SendResult>();
    // @ts-expect-error: not an Out
    c.send({ type: 'chat', text: 'hi' });
    // @ts-expect-error: missing field
    c.send({ type: 'say' });
    const r = c.send({ type: 'say', text: 'x' });
    if (r.status === 'rejected') expectTypeOf(r.error).toEqualTypeOf<TetherError>();
    // @ts-expect-error: only a rejected result has an error
    if (r.status === 'sent') void r.error;
  });

  it('the reply type follows from the request type', () => {
    const c = make();
    // Same discriminator in both directions: the reply is that member.
    expectTypeOf(c.request({ type: 'user' })).toEqualTypeOf<Promise<{ type: 'user'; id: string; name: string }>>();
    // No such incoming member and no map: any In.
    expectTypeOf(c.request({ type: 'getUser', userId: '1' })).toEqualTypeOf<Promise<In>>();
    // With a request → reply map.
    const m = createClient<In, Out, 'type', { getUser: 'user' }>({ url: 'ws://x', transport });
    expectTypeOf(m.request({ type: 'getUser', userId: '1' })).resolves.toEqualTypeOf<{ type: 'user'; id: string; name: string }>();
    // @ts-expect-error: the map only names incoming discriminators
    createClient<In, Out, 'type', { getUser: 'nope' }>({ url: 'ws://x' });
    // @ts-expect-error: requests are Out messages
    void c.request({ type: 'chat', text: '' });
  });

  it('async iteration yields In', async () => {
    const c = make();
    void c.close();
    for await (const m of c) expectTypeOf(m).toEqualTypeOf<In>();
  });

  it('accepts any Standard Schema whose output is In, and transports from ws and the DOM', () => {
    const schema = {} as SpecSchema<unknown, In>;
    expectTypeOf(schema).toMatchTypeOf<StandardSchemaV1<unknown, In>>();
    const c = createClient<In, Out>({ url: 'ws://x', transport, schema, lazy: true });
    expectTypeOf(c).toEqualTypeOf<Client<In, Out, 'type', Record<never, never>>>();
    // @ts-expect-error: a schema for something else
    createClient<In, Out>({ url: 'ws://x', schema: {} as SpecSchema<unknown, number> });
    expectTypeOf<typeof WebSocket>().toMatchTypeOf<WebSocketConstructor>();
    expectTypeOf<typeof import('ws').WebSocket>().toMatchTypeOf<WebSocketConstructor>();
  });

  it('options that can be functions, sync or async', () => {
    createClient({ url: async () => 'ws://x', protocols: () => ['a'], headers: async () => ({ a: 'b' }), transport, lazy: true });
    // @ts-expect-error: url must be a string or give one
    createClient({ url: () => 1 });
  });
});
