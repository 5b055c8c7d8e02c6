// Checked by `tsc -p tsconfig.react18.json` against React 18's types (@types/react@18): the public
// API, a provider and every hook in a component, so that the peer range `react >= 18` holds.
import { StrictMode } from 'react';
import { type Client, createClient } from '@tether/client';
import { TetherProvider, useClient, useConnection, useLatest, useMessage, useRequest, useSend } from '../src/index';

type In = { type: 'chat'; text: string } | { type: 'presence'; users: string[] } | { type: 'user'; id: string; name: string };
type Out = { type: 'say'; text: string } | { type: 'user'; userId: string };

declare module '../src/index' {
  interface Register {
    client: Client<In, Out>;
  }
}

function Chat() {
  const state = useConnection((c) => c.state);
  const { attempt, nextRetryAt, queued } = useConnection();
  const last: string | undefined = useLatest('chat', (m) => m.text);
  const users = useLatest('presence');
  const send = useSend();
  const request = useRequest();
  useMessage('chat', (m) => {
    const text: string = m.text;
    return text;
  });
  // @ts-expect-error: a chat has no users
  useMessage('chat', (m) => m.users);
  // @ts-expect-error: 'say' is outgoing
  useLatest('say');
  const client: Client<In, Out> = useClient();
  return (
    <button
      onClick={async () => {
        send({ type: 'say', text: 'hi' });
        // @ts-expect-error: not an outgoing message
        send({ type: 'chat', text: 'hi' });
        const reply = await request({ type: 'user', userId: '1' });
        const name: string = reply.name;
        return [name, client];
      }}
    >
      {state} {attempt} {nextRetryAt} {queued} {last} {users?.users.join()}
    </button>
  );
}

export function App() {
  const client = createClient<In, Out>({ url: 'ws://localhost/', lazy: true });
  return (
    <StrictMode>
      <TetherProvider client={client}>
        <Chat />
      </TetherProvider>
      <TetherProvider options={{ url: 'ws://localhost/' }} grace={500}>
        <Chat />
      </TetherProvider>
      <TetherProvider options={{ url: () => 'ws://localhost/' }} shareKey="chat">
        <Chat />
      </TetherProvider>
      {/* @ts-expect-error: a url function needs a shareKey */}
      <TetherProvider options={{ url: () => 'ws://localhost/' }}>
        <Chat />
      </TetherProvider>
      {/* @ts-expect-error: a client or options, not both */}
      <TetherProvider client={client} options={{ url: 'ws://localhost/' }}>
        <Chat />
      </TetherProvider>
    </StrictMode>
  );
}
