// Type tests: checked by `tsc` (pnpm typecheck) and run as ordinary tests, rendering each
// component on the server so that the hooks really run. Every `@ts-expect-error` fails the type
// check if the line below it ever compiles. The client type is registered in test-utils.ts.
import type { ReactNode } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expectTypeOf, it } from 'vitest';
import { type Client, type ClientState, type CloseEvent, createClient, type SendResult } from '@tether/client';
import { type Connection, TetherProvider, useClient, useConnection, useLatest, useMessage, useRequest, useSend } from './index';
import type { In, Out } from './test-utils';

type Chat = { type: 'chat'; text: string };
type Presence = { type: 'presence'; users: string[] };
type User = { type: 'user'; id: string; name: string };

const render = (node: ReactNode) => renderToString(<TetherProvider options={{ url: 'ws://127.0.0.1:9/types' }}>{node}</TetherProvider>);

describe('types', () => {
  it('useMessage narrows like client.on(type) and takes lifecycle events', () => {
    function C() {
      useMessage('chat', (m) => expectTypeOf(m).toEqualTypeOf<Chat>());
      useMessage('presence', (m) => expectTypeOf(m.users).toEqualTypeOf<string[]>());
      useMessage('message', (m) => expectTypeOf(m).toEqualTypeOf<In>());
      useMessage('close', (e) => expectTypeOf(e).toEqualTypeOf<CloseEvent>());
      useMessage('state', (s, previous) => {
        expectTypeOf(s).toEqualTypeOf<ClientState>();
        expectTypeOf(previous).toEqualTypeOf<ClientState>();
      });
      // @ts-expect-error: a chat has no users
      useMessage('chat', (m) => m.users);
      // @ts-expect-error: 'say' is outgoing, not incoming
      useMessage('say', () => {});
      // @ts-expect-error: no such event
      useMessage('chta', () => {});
      return null;
    }
    render(<C />);
  });

  it('useLatest gives the narrowed message or the selected slice, or undefined', () => {
    function C() {
      expectTypeOf(useLatest('chat')).toEqualTypeOf<Chat | undefined>();
      expectTypeOf(useLatest('presence', (m) => m.users.length)).toEqualTypeOf<number | undefined>();
      expectTypeOf(useLatest('user', (m) => m)).toEqualTypeOf<User | undefined>();
      expectTypeOf(useLatest('message')).toEqualTypeOf<In | undefined>();
      expectTypeOf(useLatest('presence')).toEqualTypeOf<Presence | undefined>();
      // @ts-expect-error: lifecycle events have no latest message
      useLatest('close');
      // @ts-expect-error: a presence has no text
      useLatest('presence', (m) => m.text);
      return null;
    }
    render(<C />);
  });

  it('useConnection returns the connection or a selected part', () => {
    function C() {
      const c = useConnection();
      expectTypeOf(c).toEqualTypeOf<Connection>();
      expectTypeOf(c.state).toEqualTypeOf<ClientState>();
      expectTypeOf(c.nextRetryAt).toEqualTypeOf<number | null>();
      expectTypeOf(useConnection((x) => x.queued > 0)).toEqualTypeOf<boolean>();
      return null;
    }
    render(<C />);
  });

  it('useSend, useRequest and useClient have the client typing', () => {
    function C() {
      const send = useSend();
      const request = useRequest();
      expectTypeOf(useClient()).toEqualTypeOf<Client<In, Out>>();
      const typed = () => {
        expectTypeOf(send({ type: 'say', text: 'hi' })).toEqualTypeOf<SendResult>();
        // @ts-expect-error: not an outgoing message
        send({ type: 'chat', text: 'hi' });
        expectTypeOf(request({ type: 'user', userId: '1' })).toEqualTypeOf<Promise<User>>();
        // @ts-expect-error: a request must be an outgoing message
        void request({ type: 'presence', users: [] });
      };
      void typed;
      return null;
    }
    render(<C />);
  });

  it('the provider takes a client or shared options, not both, and a key when the URL is a function', () => {
    const client = createClient<In, Out>({ url: 'ws://127.0.0.1:9/', lazy: true });
    renderToString(<TetherProvider client={client} />);
    renderToString(<TetherProvider options={{ url: () => 'ws://127.0.0.1:9/a' }} shareKey="a" grace={10} />);
    // @ts-expect-error: a URL function needs a shareKey
    void (<TetherProvider options={{ url: () => 'ws://127.0.0.1:9/b' }} />);
    // @ts-expect-error: a client or options, not both
    void (<TetherProvider client={client} options={{ url: 'ws://127.0.0.1:9/c' }} />);
    // @ts-expect-error: options must match the client's message types (a schema of other messages)
    void (<TetherProvider<In, Out> options={{ url: 'ws://127.0.0.1:9/d', codec: { encode: (m: number) => String(m), decode: () => 1 } }} />);
  });
});
