import { packageConfig } from '@tether/build';

export default packageConfig(import.meta.dirname);
