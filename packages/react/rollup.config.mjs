import { packageConfig } from '@tether/build';

// The hooks and the provider only work in client components: the bundles say so to React Server
// Components bundlers (Next.js), so that a server component can import and render the provider.
const [code, ...types] = packageConfig(import.meta.dirname);
const banner = "'use client';";

export default [{ ...code, output: code.output.map((o) => ({ ...o, banner })) }, ...types];
