export { createByIdLoader } from './by-id.ts';
