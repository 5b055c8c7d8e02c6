// The status line's words, from what the page knows: the connection as `useConnection()` reports
// it, the network, and who you are. Pure, so the countdown is tested without a browser.
import type { ClientState } from '@tether/client';

export interface StatusInfo {
  readonly name: string;
  /** The client's state, from `useConnection()`. */
  readonly state: ClientState;
  /** The number of the latest retry (1 for the first), from `useConnection()`. */
  readonly attempt: number;
  /** When the next attempt starts (ms since the epoch) while `reconnecting`, else null. */
  readonly nextRetryAt: number | null;
  /** `navigator.onLine`: while false the client makes no attempt and waits for `online`. */
  readonly online: boolean;
}

/** The status line in words; the countdown is computed against `now`. */
export function statusText(s: StatusInfo, now: number): string {
  switch (s.state) {
    case 'open':
      return `Connected as ${s.name}`;
    case 'connecting':
      return s.attempt > 0 ? `Connecting (attempt ${s.attempt})…` : 'Connecting…';
    case 'reconnecting': {
      if (!s.online) return 'Offline: waiting for the network';
      if (s.nextRetryAt === null) return 'Reconnecting…';
      const left = Math.max(0, s.nextRetryAt - now);
      return `Reconnecting in ${(left / 1000).toFixed(1)} s (attempt ${s.attempt})`;
    }
    case 'closing':
      return 'Closing…';
    case 'closed':
      return 'Disconnected';
  }
}
