import { packageConfig } from '../../tooling/tsup.config.base';

// Two entries: the converters (`index`) and `internals` (the unpickler, torch.save and zip
// readers). Splitting puts the code they share in one chunk, so both hand out the same classes.
export default packageConfig({ index: 'src/index.ts', internals: 'src/internals.ts' }, { splitting: true });
