// The DOM view: renders a ChatSnapshot and turns the form into `store.say`. It holds no state of its
// own beyond the elements, so each piece (status, people, lines, outbox, log) maps onto one React
// component reading `useSyncExternalStore(store.subscribe, store.getSnapshot)`.
import type { ChatSnapshot, ChatStore, LogEntry } from './chat';
import type { ChatLine } from './protocol';

/** How often the countdown is redrawn while waiting to reconnect. */
const TICK_MS = 100;

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

function lineItem(line: ChatLine, me: string): HTMLLIElement {
  const li = el('li', line.from === me ? 'line mine' : 'line');
  li.dataset['id'] = String(line.id);
  const time = el('time', 'at', clockTime(line.at));
  time.dateTime = new Date(line.at).toISOString();
  li.append(el('span', 'from', line.from), el('span', 'text', line.text), time);
  return li;
}

function logItem(entry: LogEntry): HTMLLIElement {
  const li = el('li', entry.level);
  li.append(el('time', 'at', clockTime(entry.at)), el('span', 'text', entry.text));
  return li;
}

/** Builds the page inside `root`, keeps it in step with the store, and returns the unmount. */
export function mountChat(root: HTMLElement, store: ChatStore, now: () => number = Date.now): () => void {
  const status = el('p', 'status');
  status.id = 'status';
  status.setAttribute('role', 'status');
  const dot = el('span', 'dot');
  dot.setAttribute('aria-hidden', 'true');
  const statusLabel = el('span', 'label');
  status.append(dot, statusLabel);
  const queuedBadge = el('span', 'badge');
  queuedBadge.id = 'queued';
  const header = el('header');
  header.append(el('h1', undefined, 'Tether chat'), status, queuedBadge);

  const people = el('p', 'people');
  people.id = 'people';
  const lines = el('ol', 'lines');
  lines.id = 'lines';
  lines.setAttribute('aria-label', 'Messages');

  const outbox = el('section', 'outbox');
  outbox.id = 'outbox';
  const outboxTitle = el('h2');
  const outboxList = el('ol');
  outbox.append(outboxTitle, outboxList);

  const form = el('form', 'composer');
  form.id = 'composer';
  const input = el('input');
  input.name = 'text';
  input.autocomplete = 'off';
  input.placeholder = 'Say something';
  input.setAttribute('aria-label', 'Message');
  input.maxLength = 500;
  const button = el('button');
  button.type = 'submit';
  form.append(input, button);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (store.say(input.value)) input.value = '';
    input.focus();
  });

  const logBox = el('details', 'log');
  logBox.open = true;
  const logList = el('ol');
  logList.id = 'log';
  logBox.append(el('summary', undefined, 'Connection log'), logList);

  root.replaceChildren(header, people, lines, outbox, form, logBox);

  let shown: ChatSnapshot | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;
  const renderStatus = (s: ChatSnapshot) => {
    statusLabel.textContent = statusText(s, now());
  };
  const render = () => {
    const s = store.getSnapshot();
    const prev = shown;
    shown = s;
    // Data attributes say the same as the words, for styles and for the end-to-end tests.
    Object.assign(status.dataset, {
      state: s.state,
      online: String(s.online),
      attempt: String(s.attempt),
      retryAt: s.retryAt === undefined ? '' : String(s.retryAt),
    });
    renderStatus(s);
    const waiting = s.state === 'reconnecting' && s.online && s.retryAt !== undefined;
    if (waiting && ticker === undefined) ticker = setInterval(() => shown && renderStatus(shown), TICK_MS);
    if (!waiting && ticker !== undefined) {
      clearInterval(ticker);
      ticker = undefined;
    }

    queuedBadge.dataset['count'] = String(s.queued.length);
    queuedBadge.textContent = s.queued.length === 0 ? 'nothing queued' : `${s.queued.length} queued`;
    button.textContent = s.state === 'open' ? 'Send' : 'Queue';

    // Who is here is only known while connected; the last list would be stale.
    people.textContent = s.state !== 'open' ? 'Not connected: who is here shows once connected' : s.users.length ? `Here: ${s.users.join(', ')}` : 'Nobody here yet';
    if (s.lines !== prev?.lines) {
      const stick = lines.scrollTop + lines.clientHeight >= lines.scrollHeight - 4;
      lines.replaceChildren(...s.lines.map((line) => lineItem(line, s.name)));
      if (stick) lines.scrollTop = lines.scrollHeight;
    }
    if (s.queued !== prev?.queued) {
      outbox.hidden = s.queued.length === 0;
      outboxTitle.textContent = `Waiting to be sent (${s.queued.length}), in this order:`;
      outboxList.replaceChildren(...s.queued.map((text) => el('li', undefined, text)));
    }
    if (s.log !== prev?.log) {
      logList.replaceChildren(...s.log.map(logItem));
      logList.scrollTop = logList.scrollHeight;
    }
  };
  const unsubscribe = store.subscribe(render);
  render();
  return () => {
    unsubscribe();
    if (ticker !== undefined) clearInterval(ticker);
    root.replaceChildren();
  };
}
