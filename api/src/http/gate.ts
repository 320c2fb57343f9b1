/**
 * A counting semaphore without a queue: work that would exceed `max` concurrent holders is
 * refused at once (503 with Retry-After) instead of waiting, so a burst of slow downloads
 * cannot pile up behind one another or take the pool the rest of the API needs.
 */
import { AppError } from '../errors.ts';

export interface Gate {
  /** Takes a slot or throws 503 `busy`; the returned function gives it back (idempotent). */
  enter(): () => void;
  readonly inUse: number;
}

export class Busy extends AppError {
  constructor(what: string) {
    super(503, 'busy', `too many ${what} at once; try again shortly`);
  }
}

export function createGate(max: number, what: string): Gate {
  let inUse = 0;
  return {
    enter() {
      if (inUse >= max) throw new Busy(what);
      inUse++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        inUse--;
      };
    },
    get inUse() {
      return inUse;
    },
  };
}
