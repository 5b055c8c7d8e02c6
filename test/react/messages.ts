// What the browser tests' app, server and test share: the messages, and the app's `window.app`.
export type In = { type: 'chat'; text: string } | { type: 'presence'; users: string[] } | { type: 'user'; id: string; name: string };
export type Out = { type: 'say'; text: string } | { type: 'user'; userId: string; id?: string };

export interface MountOptions {
  url: string;
  strict?: boolean;
  grace?: number;
  /** Which components to render under the provider. */
  parts: Array<'state' | 'connection' | 'last-chat' | 'presence-count' | 'chat-log' | 'greeter' | 'user'>;
  /** How many `State` components. */
  states?: number;
  label?: string;
}

export interface Report {
  /** Renders per component. */
  renders: Record<string, number>;
  /** Chats handled by `ChatLog`, as `label:text`. */
  log: string[];
  /** Each distinct text `Connection` rendered. */
  connections: string[];
  /** Distinct `send` functions `Greeter` was given. */
  sends: number;
  /** Distinct clients the components saw. */
  clients: number;
  /** `listenerCount('chat')` of each of them. */
  chatListeners: number[];
}

/** What app.tsx puts on `window.app` for page.evaluate. */
export interface AppApi {
  /** Renders the app into a new root named `name`. */
  mount(name: string, o: MountOptions): void;
  /** Hydrates `html`, rendered on the server by ssr.tsx with the same options, in a new root. */
  hydrate(name: string, o: MountOptions, html: string): void;
  /** Renders root `name` again with other options (same components, new props). */
  update(name: string, o: MountOptions): void;
  unmount(name: string): void;
  report(): Report;
  text(id: string): string | null;
}

declare global {
  interface Window {
    app: AppApi;
  }
}
