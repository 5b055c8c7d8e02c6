// The page in React on @tether/react, one component per part (status, people, lines, outbox,
// composer, log). Each reads only what it shows, so each renders again only when that changes:
// the connection through `useConnection`, messages through `useMessage` / `useLatest`, and sends
// go through `useSend`. What the hooks do not keep is said where it is kept instead.
import { memo, type FormEvent, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'react';
import { useClient, useConnection, useLatest, useMessage, useSend } from '@tether/react';
import { type LogEntry, useLogEntries, useNote } from './log';
import { useOnline } from './network';
import { MAX_TEXT, type ChatLine, type Presence } from './protocol';
import { statusText } from './status';

/** How often the countdown is redrawn while waiting to reconnect. */
const TICK_MS = 100;
const MAX_LINES = 200;

const clockTime = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** Renders again every `ms` while `on`. */
function useTicker(on: boolean, ms: number): void {
  const [, tick] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (!on) return;
    const t = setInterval(tick, ms);
    return () => clearInterval(t);
  }, [on, ms]);
}

/** The state with its dot and countdown. Data attributes say the same as the words, for the styles and the end-to-end tests. */
function Status({ name }: { name: string }) {
  const { state, attempt, nextRetryAt } = useConnection();
  const online = useOnline();
  useTicker(state === 'reconnecting' && online && nextRetryAt !== null, TICK_MS);
  return (
    <p className="status" id="status" role="status" data-state={state} data-online={String(online)} data-attempt={String(attempt)} data-retry-at={nextRetryAt ?? ''}>
      <span className="dot" aria-hidden="true" />
      <span className="label">{statusText({ name, state, attempt, nextRetryAt, online }, Date.now())}</span>
    </p>
  );
}

/** How many messages wait in the client's queue. */
function QueuedBadge() {
  const queued = useConnection((c) => c.queued);
  return (
    <span className="badge" id="queued" data-count={queued}>
      {queued === 0 ? 'nothing queued' : `${queued} queued`}
    </span>
  );
}

/** The title, the state with its countdown, and the number of queued messages. */
function Header({ name }: { name: string }) {
  return (
    <header>
      <h1>Tether chat</h1>
      <Status name={name} />
      <QueuedBadge />
    </header>
  );
}

/**
 * Who is here, from the latest `presence`, and only while connected. A presence from before the
 * last close is not shown: who is here is known again from the next connection's first one.
 */
function People() {
  const open = useConnection((c) => c.state === 'open');
  const presence = useLatest('presence');
  const [stale, setStale] = useState<Presence>();
  useMessage('close', () => setStale(presence));
  const users = presence && presence !== stale ? presence.users : [];
  return (
    <p className="people" id="people">
      {!open ? 'Not connected: who is here shows once connected' : users.length ? `Here: ${users.join(', ')}` : 'Nobody here yet'}
    </p>
  );
}

const Line = memo(function Line({ line, mine }: { line: ChatLine; mine: boolean }) {
  return (
    <li className={mine ? 'line mine' : 'line'} data-id={line.id}>
      <span className="from">{line.from}</span>
      <span className="text">{line.text}</span>
      <time className="at" dateTime={new Date(line.at).toISOString()}>
        {clockTime(line.at)}
      </time>
    </li>
  );
});

/**
 * The conversation, kept scrolled to the end unless the reader scrolled up. `useLatest` keeps one
 * message per type, so the lines (a history) are this component's state, filled by `useMessage`.
 */
function Lines({ name }: { name: string }) {
  // Keyed by arrival: the server numbers lines from 1 again when it restarts.
  const [lines, setLines] = useState<ReadonlyArray<{ readonly key: number; readonly line: ChatLine }>>([]);
  const arrived = useRef(0);
  useMessage('chat', (line) => {
    const key = ++arrived.current;
    setLines((all) => [...all, { key, line }].slice(-MAX_LINES));
  });
  const list = useRef<HTMLOListElement>(null);
  const atEnd = useRef(true);
  useLayoutEffect(() => {
    if (atEnd.current && list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [lines]);
  const onScroll = () => {
    const el = list.current;
    if (el) atEnd.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 4;
  };
  return (
    <ol className="lines" id="lines" aria-label="Messages" ref={list} onScroll={onScroll}>
      {lines.map(({ key, line }) => (
        <Line key={key} line={line} mine={line.from === name} />
      ))}
    </ol>
  );
}

/**
 * What waits in the client's queue, in the order it will go out. `useConnection` counts it; the
 * texts come from `client.queue` (through `useClient`), read again when the count changes or the
 * queue gives a message up (a full queue drops its oldest and keeps its count).
 */
function Outbox() {
  const client = useClient();
  const queued = useConnection((c) => c.queued);
  const [drops, dropped] = useReducer((n: number) => n + 1, 0);
  useMessage('drop', dropped);
  const texts = useMemo(() => client.queue.toArray().map((m) => m.text), [client, queued, drops]);
  return (
    <section className="outbox" id="outbox" hidden={texts.length === 0}>
      <h2>Waiting to be sent ({texts.length}), in this order:</h2>
      <ol>
        {texts.map((text, i) => (
          <li key={i}>{text}</li>
        ))}
      </ol>
    </section>
  );
}

/** The input; its button says whether a line goes out now or waits in the queue. */
function Composer() {
  const open = useConnection((c) => c.state === 'open');
  const send = useSend();
  const note = useNote();
  const [text, setText] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    const trimmed = text.trim().slice(0, MAX_TEXT);
    if (trimmed) {
      const result = send({ type: 'say', text: trimmed });
      if (result.status === 'rejected') note(`not sent: ${result.error.code}`, 'warn');
      else setText('');
    }
    input.current?.focus();
  };
  return (
    <form className="composer" id="composer" onSubmit={submit}>
      <input ref={input} name="text" autoComplete="off" placeholder="Say something" aria-label="Message" maxLength={MAX_TEXT} value={text} onChange={(e) => setText(e.target.value)} />
      <button type="submit">{open ? 'Send' : 'Queue'}</button>
    </form>
  );
}

function LogItem({ entry }: { entry: LogEntry }) {
  return (
    <li className={entry.level}>
      <time className="at">{clockTime(entry.at)}</time>
      <span className="text">{entry.text}</span>
    </li>
  );
}

/** The connection log, newest at the bottom. */
function ConnectionLog() {
  const entries = useLogEntries();
  const list = useRef<HTMLOListElement>(null);
  useLayoutEffect(() => {
    if (list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [entries]);
  return (
    <details className="log" open>
      <summary>Connection log</summary>
      <ol id="log" ref={list}>
        {entries.map((entry) => (
          <LogItem key={entry.id} entry={entry} />
        ))}
      </ol>
    </details>
  );
}

/** The whole page, inside a `<TetherProvider>` and a `<LogProvider>`. */
export function Chat({ name }: { name: string }) {
  return (
    <>
      <Header name={name} />
      <People />
      <Lines name={name} />
      <Outbox />
      <Composer />
      <ConnectionLog />
    </>
  );
}
