/** Whether a number of arguments fits a directive's argument rule (nginx's NGX_CONF_TAKE* and friends). */
import type { Arity } from './types.js';

export function fitsArity(arity: Arity, n: number): boolean {
  switch (arity.kind) {
    case 'any':
      return true;
    case 'flag':
      return n === 1;
    case 'min':
      return n >= arity.min;
    case 'counts':
      return n <= 7 && arity.counts.includes(n);
  }
}
