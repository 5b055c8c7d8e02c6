// The connection log: its entries are a history (every open and close with its codes, drops,
// offline and online), which no hook keeps, so they live in React state here. The provider below
// writes them from the client's events (`useMessage`) and the network's; any component adds one
// with `useNote()` (the composer, for a send the client refused).
import { createContext, type ReactNode, useCallback, useContext, useRef, useState } from 'react';
import { useMessage } from '@tether/react';
import { describeClose } from './client';
import { useNetworkChange } from './network';

export interface LogEntry {
  readonly id: number;
  /** Page time, ms since the epoch. */
  readonly at: number;
  readonly text: string;
  readonly level: 'info' | 'warn';
}

export type Note = (text: string, level?: LogEntry['level']) => void;

const MAX_LOG = 100;

// Two contexts: components that only add entries do not render again when one is added.
const Entries = createContext<readonly LogEntry[]>([]);
const Notes = createContext<Note>(() => undefined);

export function LogProvider({ children }: { children?: ReactNode }) {
  const [entries, setEntries] = useState<readonly LogEntry[]>([]);
  const lastId = useRef(0);
  const note = useCallback<Note>((text, level = 'info') => {
    const entry: LogEntry = { id: ++lastId.current, at: Date.now(), text, level };
    setEntries((log) => [...log, entry].slice(-MAX_LOG));
  }, []);

  useMessage('open', () => note('connected'));
  useMessage('close', (e) => note(describeClose(e), e.code === 1000 ? 'info' : 'warn'));
  useMessage('drop', ({ message, reason }) => note(`dropped "${message.text}" (${reason})`, 'warn'));
  useMessage('error', (error) => {
    // Connection errors are told by the close that follows; the others are worth a line.
    if (error.code === 'ERR_DECODE_FAILED' || error.code === 'ERR_LISTENER_FAILED') note(`error ${error.code}`, 'warn');
  });
  useNetworkChange((online) => (online ? note('online') : note('offline: no attempt until the network is back', 'warn')));

  return (
    <Notes.Provider value={note}>
      <Entries.Provider value={entries}>{children}</Entries.Provider>
    </Notes.Provider>
  );
}

/** The log, oldest first. */
export const useLogEntries = (): readonly LogEntry[] => useContext(Entries);

/** Adds a line to the log; stable. */
export const useNote = (): Note => useContext(Notes);
