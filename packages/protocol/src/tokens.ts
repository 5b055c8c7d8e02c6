// HTTP grammar helpers (RFC 9110 §5.6), written as plain loops: no regular expression here can
// backtrack on a hostile header value.

const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~") TCHAR[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TCHAR[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TCHAR[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TCHAR[c] = 1;

/** token = 1*tchar */
export function isToken(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128 || TCHAR[c] !== 1) return false;
  }
  return true;
}

/** field-value: visible ASCII, obs-text, SP and HTAB; no CR, LF or NUL (RFC 9110 §5.5). */
export function isFieldValue(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0xff || (c < 0x20 && c !== 0x09) || c === 0x7f) return false;
  }
  return true;
}

/** The elements of a comma-separated list (`#element`), trimmed, empty elements dropped. */
export function splitList(value: string): string[] {
  const out: string[] = [];
  for (const part of value.split(',')) {
    const item = part.trim();
    if (item !== '') out.push(item);
  }
  return out;
}

/** One element of `Sec-WebSocket-Extensions` (RFC 6455 §9.1). */
export interface ExtensionElement {
  readonly name: string;
  /** Parameters in order; `true` for a parameter given without a value. */
  readonly params: ReadonlyArray<readonly [string, string | true]>;
}

/**
 * Parses a `Sec-WebSocket-Extensions` value:
 * `extension-list = 1#extension; extension = token *( ";" token [ "=" ( token / quoted-string ) ] )`.
 * Returns undefined when the value does not follow the grammar.
 */
export function parseExtensions(value: string): ExtensionElement[] | undefined {
  const out: ExtensionElement[] = [];
  let i = 0;
  const n = value.length;
  const skipOws = () => {
    while (i < n && (value[i] === ' ' || value[i] === '\t')) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < n) {
      const c = value.charCodeAt(i);
      if (c >= 128 || TCHAR[c] !== 1) break;
      i++;
    }
    return value.slice(start, i);
  };
  const readQuoted = (): string | undefined => {
    i++; // opening quote
    let s = '';
    while (i < n) {
      const ch = value[i]!;
      if (ch === '"') {
        i++;
        return s;
      }
      if (ch === '\\') {
        i++;
        if (i >= n) return undefined;
      }
      s += value[i]!;
      i++;
    }
    return undefined;
  };
  for (;;) {
    skipOws();
    if (i < n && value[i] === ',') {
      i++;
      continue; // empty list element
    }
    if (i >= n) break;
    const name = readToken();
    if (name === '') return undefined;
    const params: Array<readonly [string, string | true]> = [];
    skipOws();
    while (i < n && value[i] === ';') {
      i++;
      skipOws();
      const key = readToken();
      if (key === '') return undefined;
      skipOws();
      if (i < n && value[i] === '=') {
        i++;
        skipOws();
        let v: string | undefined;
        if (value[i] === '"') {
          v = readQuoted();
          // RFC 6455 §9.1: a quoted value must still conform to the token grammar after unquoting.
          if (v === undefined || !isToken(v)) return undefined;
        } else {
          v = readToken();
          if (v === '') return undefined;
        }
        params.push([key, v]);
      } else {
        params.push([key, true]);
      }
      skipOws();
    }
    out.push({ name, params });
    if (i >= n) break;
    if (value[i] !== ',') return undefined;
    i++;
  }
  return out;
}
