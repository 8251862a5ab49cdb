/** Every migration, in order. Add new ones at the end; never edit one that has shipped. */
import { Foundation1763884800000 } from './1763884800000-foundation';

export const MIGRATIONS = [Foundation1763884800000];
