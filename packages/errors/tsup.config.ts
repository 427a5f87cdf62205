import { packageConfig } from '../../tooling/tsup.config.base';

export default packageConfig({ index: 'src/index.ts' });
