import { createChat } from './chat';
import { readConfig } from './config';
import { mountChat } from './view';
import './style.css';

const root = document.getElementById('app');
if (!root) throw new Error('index.html has no #app');
const store = createChat(readConfig(location));
mountChat(root, store);
