import { defineConfig, type Plugin } from 'vite';
import { startChatServer } from './server/chat-server';
import { DEFAULT_PORT } from './src/protocol';

/** `pnpm dev` and `pnpm preview` start the chat server beside the page, and stop it with them. */
function chatServer(): Plugin {
  const start = async (http: { once(event: 'close', fn: () => void): unknown } | null) => {
    const server = await startChatServer({ host: 'localhost', port: DEFAULT_PORT });
    console.log(`  chat server on ${server.url}`);
    http?.once('close', () => void server.close());
  };
  return {
    name: 'tether-chat-server',
    configureServer: (server) => start(server.httpServer),
    configurePreviewServer: (server) => start(server.httpServer),
  };
}

export default defineConfig({
  // Relative asset URLs: the built page works from any folder and any static server.
  base: './',
  plugins: [chatServer()],
  // JSX through Vite's own transform (Oxc) with React's automatic runtime (react/jsx-runtime), as
  // tsconfig.json's "jsx": "react-jsx" says; @vitejs/plugin-react would add Fast Refresh in `dev`.
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    target: 'es2022',
    rolldownOptions: {
      onwarn(warning, warn) {
        // @tether/react starts with 'use client' for React Server Components; a SPA has none.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE' && warning.message.includes('use client')) return;
        warn(warning);
      },
    },
  },
});
