import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { TetherProvider } from '@tether/react';
import { clientOptions } from './client';
import { Chat } from './components';
import { readConfig } from './config';
import { LogProvider } from './log';
import './style.css';

const root = document.getElementById('app');
if (!root) throw new Error('index.html has no #app');
const config = readConfig(location);

// One client for the page, shared by every component below. Its URL is a function (the name goes
// in the query of every attempt), so the provider needs a shareKey.
createRoot(root).render(
  <StrictMode>
    <TetherProvider options={clientOptions(config)} shareKey="chat">
      <LogProvider>
        <Chat name={config.name} />
      </LogProvider>
    </TetherProvider>
  </StrictMode>,
);
