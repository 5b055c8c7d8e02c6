// The messages of the browser tests' app and server.
export type In = { type: 'chat'; text: string } | { type: 'presence'; users: string[] } | { type: 'user'; id: string; name: string };
export type Out = { type: 'say'; text: string } | { type: 'user'; userId: string; id?: string };
