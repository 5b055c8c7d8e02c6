import { packageConfig } from '@tether/build';

// Two entries: the library (index) and the `tether` executable (bin), which needs a shebang.
// Declarations are only made for the library.
const [code, ...types] = packageConfig(import.meta.dirname, { index: 'src/index.ts', bin: 'src/bin.ts' });
const banner = (chunk) => (chunk.isEntry && chunk.name === 'bin' ? '#!/usr/bin/env node' : '');
const [, ...libraryTypes] = packageConfig(import.meta.dirname);

export default [{ ...code, output: code.output.map((o) => ({ ...o, banner })) }, ...libraryTypes];
