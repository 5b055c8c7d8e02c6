// The app's components rendered to a string in Node, as a server would, for the hydration test.
import { renderToString } from 'react-dom/server';
import { App } from './components';
import type { MountOptions } from './messages';

export const renderApp = (o: MountOptions): string => renderToString(<App o={o} />);
