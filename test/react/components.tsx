// The components of the browser tests' app (app.tsx), also rendered to a string in Node for the
// hydration test (ssr.tsx): real components on @tether/react, each counting its renders.
import { StrictMode, useEffect, useState } from 'react';
import type { Client } from '@tether/client';
import { TetherProvider, useClient, useConnection, useLatest, useMessage, useRequest, useSend } from '@tether/react';
import type { In, MountOptions, Out, Report } from './messages';

declare module '@tether/react' {
  interface Register {
    client: Client<In, Out>;
  }
}

const renders: Record<string, number> = {};
const log: string[] = [];
const sends = new Set<unknown>();
const clients = new Set<Client<In, Out>>();
const connections: string[] = [];
const rendered = (name: string) => (renders[name] = (renders[name] ?? 0) + 1);

/** Reads only the state: must not render again on messages. */
function State({ id }: { id: string }) {
  rendered(`state:${id}`);
  const state = useConnection((c) => c.state);
  clients.add(useClient());
  return <p id={`state-${id}`}>{state}</p>;
}

/** Reads the whole connection. */
function Connection() {
  rendered('connection');
  const c = useConnection();
  const text = `${c.state} ${c.attempt} ${c.nextRetryAt === null ? '-' : 'at'} ${c.queued}`;
  if (connections.at(-1) !== text) connections.push(text);
  return <p id="connection">{text}</p>;
}

/** The latest chat text. */
function LastChat() {
  rendered('last-chat');
  const text = useLatest('chat', (m) => m.text);
  return <p id="last-chat">{text ?? '-'}</p>;
}

/** How many users are present: renders again only when the count changes. */
function PresenceCount() {
  rendered('presence-count');
  const n = useLatest('presence', (m) => m.users.length);
  return <p id="presence-count">{n ?? '-'}</p>;
}

/** Logs each chat with its label; the label changes without resubscribing. */
function ChatLog({ label }: { label: string }) {
  rendered('chat-log');
  clients.add(useClient());
  useMessage('chat', (m) => log.push(`${label}:${m.text}`));
  return null;
}

/** Sends a greeting from an effect of its first mount, and keeps each `send` it was given. */
function Greeter() {
  rendered('greeter');
  const send = useSend();
  sends.add(send);
  useEffect(() => void send({ type: 'say', text: 'hello' }), [send]);
  return null;
}

/** Asks the server for a user when mounted, and shows the typed reply. */
function User({ userId }: { userId: string }) {
  const request = useRequest();
  const [name, setName] = useState('-');
  useEffect(() => {
    const abort = new AbortController();
    request({ type: 'user', userId }, { signal: abort.signal }).then(
      (reply) => setName(reply.name),
      (error: Error) => setName(`error ${error.message}`),
    );
    return () => abort.abort();
  }, [request, userId]);
  return <p id="user">{name}</p>;
}

export function App({ o }: { o: MountOptions }) {
  const has = (p: MountOptions['parts'][number]) => o.parts.includes(p);
  const tree = (
    <TetherProvider options={{ url: o.url }} grace={o.grace ?? 2_000}>
      {has('state') && Array.from({ length: o.states ?? 1 }, (_, i) => <State key={i} id={`${o.label ?? 'x'}${i}`} />)}
      {has('connection') && <Connection />}
      {has('last-chat') && <LastChat />}
      {has('presence-count') && <PresenceCount />}
      {has('chat-log') && <ChatLog label={o.label ?? 'x'} />}
      {has('greeter') && <Greeter />}
      {has('user') && <User userId="7" />}
    </TetherProvider>
  );
  return o.strict ? <StrictMode>{tree}</StrictMode> : tree;
}

/** What the components saw and how often they rendered. */
export const report = (): Report => ({
  renders: { ...renders },
  log: [...log],
  connections: [...connections],
  sends: sends.size,
  clients: clients.size,
  chatListeners: [...clients].map((c) => c.listenerCount('chat')),
});
