// The DOM view: renders a ChatSnapshot and turns the form into `store.say`. Each part below (status,
// people, lines, outbox, composer, log) builds its elements once and redraws from the snapshot, and
// keeps no state of its own: each maps onto one React component that reads
// `useSyncExternalStore(store.subscribe, store.getSnapshot)`.
import type { ChatSnapshot, ChatStore, LogEntry } from './chat';
import { MAX_TEXT, type ChatLine } from './protocol';

/** How often the countdown is redrawn while waiting to reconnect. */
const TICK_MS = 100;

/** One part of the page: its element, and how it redraws (`prev` is the snapshot drawn before). */
interface Part {
  readonly element: HTMLElement;
  render(s: ChatSnapshot, prev: ChatSnapshot | undefined): void;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const clockTime = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** The status line in words; the countdown is computed against `now`. */
export function statusText(s: ChatSnapshot, now: number): string {
  switch (s.state) {
    case 'open':
      return `Connected as ${s.name}`;
    case 'connecting':
      return s.attempt > 0 ? `Connecting (attempt ${s.attempt})…` : 'Connecting…';
    case 'reconnecting': {
      if (!s.online) return 'Offline: waiting for the network';
      if (s.retryAt === undefined) return 'Reconnecting…';
      const left = Math.max(0, s.retryAt - now);
      return `Reconnecting in ${(left / 1000).toFixed(1)} s (attempt ${s.attempt})`;
    }
    case 'closing':
      return 'Closing…';
    case 'closed':
      return 'Disconnected';
  }
}

/** The title, the state with its countdown, and the number of queued messages. */
function header(now: () => number): Part & { stop(): void } {
  const status = el('p', 'status');
  status.id = 'status';
  status.setAttribute('role', 'status');
  const dot = el('span', 'dot');
  dot.setAttribute('aria-hidden', 'true');
  const label = el('span', 'label');
  status.append(dot, label);
  const badge = el('span', 'badge');
  badge.id = 'queued';
  const element = el('header');
  element.append(el('h1', undefined, 'Tether chat'), status, badge);

  let shown: ChatSnapshot | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;
  const stop = () => {
    clearInterval(ticker);
    ticker = undefined;
  };
  return {
    element,
    stop,
    render(s) {
      shown = s;
      // Data attributes say the same as the words, for the styles and the end-to-end tests.
      Object.assign(status.dataset, {
        state: s.state,
        online: String(s.online),
        attempt: String(s.attempt),
        retryAt: s.retryAt === undefined ? '' : String(s.retryAt),
      });
      label.textContent = statusText(s, now());
      const counting = s.state === 'reconnecting' && s.online && s.retryAt !== undefined;
      if (counting && ticker === undefined) ticker = setInterval(() => shown && (label.textContent = statusText(shown, now())), TICK_MS);
      if (!counting) stop();
      badge.dataset['count'] = String(s.queued.length);
      badge.textContent = s.queued.length === 0 ? 'nothing queued' : `${s.queued.length} queued`;
    },
  };
}

/** Who is here; only known while connected. */
function people(): Part {
  const element = el('p', 'people');
  element.id = 'people';
  return {
    element,
    render(s) {
      if (s.state !== 'open') element.textContent = 'Not connected: who is here shows once connected';
      else element.textContent = s.users.length ? `Here: ${s.users.join(', ')}` : 'Nobody here yet';
    },
  };
}

function lineItem(line: ChatLine, me: string): HTMLLIElement {
  const li = el('li', line.from === me ? 'line mine' : 'line');
  li.dataset['id'] = String(line.id);
  const time = el('time', 'at', clockTime(line.at));
  time.dateTime = new Date(line.at).toISOString();
  li.append(el('span', 'from', line.from), el('span', 'text', line.text), time);
  return li;
}

/** The conversation, kept scrolled to the end unless the reader scrolled up. */
function conversation(): Part {
  const element = el('ol', 'lines');
  element.id = 'lines';
  element.setAttribute('aria-label', 'Messages');
  return {
    element,
    render(s, prev) {
      if (s.lines === prev?.lines) return;
      const atEnd = element.scrollTop + element.clientHeight >= element.scrollHeight - 4;
      element.replaceChildren(...s.lines.map((line) => lineItem(line, s.name)));
      if (atEnd) element.scrollTop = element.scrollHeight;
    },
  };
}

/** What waits in the client's queue, in the order it will go out. */
function outbox(): Part {
  const element = el('section', 'outbox');
  element.id = 'outbox';
  const title = el('h2');
  const list = el('ol');
  element.append(title, list);
  return {
    element,
    render(s, prev) {
      if (s.queued === prev?.queued) return;
      element.hidden = s.queued.length === 0;
      title.textContent = `Waiting to be sent (${s.queued.length}), in this order:`;
      list.replaceChildren(...s.queued.map((text) => el('li', undefined, text)));
    },
  };
}

/** The input; its button says whether a line goes out now or waits in the queue. */
function composer(store: ChatStore): Part {
  const element = el('form', 'composer');
  element.id = 'composer';
  const input = el('input');
  input.name = 'text';
  input.autocomplete = 'off';
  input.placeholder = 'Say something';
  input.setAttribute('aria-label', 'Message');
  input.maxLength = MAX_TEXT;
  const button = el('button');
  button.type = 'submit';
  element.append(input, button);
  element.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (store.say(input.value)) input.value = '';
    input.focus();
  });
  return {
    element,
    render(s) {
      button.textContent = s.state === 'open' ? 'Send' : 'Queue';
    },
  };
}

function logItem(entry: LogEntry): HTMLLIElement {
  const li = el('li', entry.level);
  li.append(el('time', 'at', clockTime(entry.at)), el('span', 'text', entry.text));
  return li;
}

/** The connection log, newest at the bottom. */
function connectionLog(): Part {
  const element = el('details', 'log');
  element.open = true;
  const list = el('ol');
  list.id = 'log';
  element.append(el('summary', undefined, 'Connection log'), list);
  return {
    element,
    render(s, prev) {
      if (s.log === prev?.log) return;
      list.replaceChildren(...s.log.map(logItem));
      list.scrollTop = list.scrollHeight;
    },
  };
}

/** Builds the page inside `root`, keeps it in step with the store, and returns the unmount. */
export function mountChat(root: HTMLElement, store: ChatStore, now: () => number = Date.now): () => void {
  const top = header(now);
  const parts: Part[] = [top, people(), conversation(), outbox(), composer(store), connectionLog()];
  root.replaceChildren(...parts.map((p) => p.element));
  let prev: ChatSnapshot | undefined;
  const render = () => {
    const s = store.getSnapshot();
    for (const part of parts) part.render(s, prev);
    prev = s;
  };
  const unsubscribe = store.subscribe(render);
  render();
  return () => {
    unsubscribe();
    top.stop();
    root.replaceChildren();
  };
}
