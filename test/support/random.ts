export { rng } from '../../src/platform/random';
