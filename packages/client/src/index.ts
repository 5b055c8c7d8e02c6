export { createClient, Client } from './client';
export { shouldReconnect, ClientCloseCode, DEFAULTS } from './defaults';
export { backoff, parseRetryAfter } from './backoff';
export { codecs } from './codec';
export type { Codec } from './codec';
export type { Clock } from './clock';
export { systemClock } from './clock';
export type { MessageQueue } from './queue';
export type { StandardSchemaV1, StandardResult } from './schema';
export { ErrorCode, TetherError, HandshakeError } from '@tether/protocol';
export type {
  RawData,
  Resolvable,
  WebSocketLike,
  WebSocketConstructor,
  ClientState,
  CloseInfo,
  CloseEvent,
  ClientError,
  DropReason,
  DropEvent,
  SendResult,
  OverflowPolicy,
  QueueOptions,
  ReconnectOptions,
  HeartbeatOptions,
  RequestOptions,
  Tag,
  Narrow,
  ReplyMap,
  ReplyOf,
  LifecycleEvents,
  RoutedEvents,
  ClientEvents,
  ClientOptions,
} from './types';
