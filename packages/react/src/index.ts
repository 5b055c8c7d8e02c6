export { TetherProvider, useClient } from './provider';
export type { TetherProviderProps, OwnClientProps, SharedClientProps } from './provider';
export { useConnection, useMessage, useLatest, useSend, useRequest } from './hooks';
export { DEFAULTS } from './defaults';
export type { Register, RegisteredClient, UntypedMessage, Connection, EventsOf, MessageEventOf, MessageOf } from './types';
