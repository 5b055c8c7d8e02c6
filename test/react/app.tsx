// The app the browser tests drive: the components of components.tsx rendered by react-dom/client
// (React 19, development build, so that StrictMode mounts, unmounts and mounts again) in Chromium.
// The test calls `window.app` through page.evaluate.
import { hydrateRoot, createRoot, type Root } from 'react-dom/client';
import { App, report } from './components';
import type { AppApi, MountOptions } from './messages';

const roots = new Map<string, Root>();

const app: AppApi = {
  mount(name: string, o: MountOptions): void {
    const el = document.createElement('div');
    el.id = `root-${name}`;
    document.body.append(el);
    const root = createRoot(el);
    roots.set(name, root);
    root.render(<App o={o} />);
  },
  hydrate(name: string, o: MountOptions, html: string): void {
    const el = document.createElement('div');
    el.id = `root-${name}`;
    el.innerHTML = html;
    document.body.append(el);
    // A mismatch between the server's HTML and the first client render is reported here.
    roots.set(name, hydrateRoot(el, <App o={o} />, { onRecoverableError: (e) => console.error('recoverable', e) }));
  },
  update(name: string, o: MountOptions): void {
    roots.get(name)!.render(<App o={o} />);
  },
  unmount(name: string): void {
    roots.get(name)?.unmount();
    roots.delete(name);
    document.getElementById(`root-${name}`)?.remove();
  },
  report,
  text: (id: string) => document.getElementById(id)?.textContent ?? null,
};

window.app = app;
