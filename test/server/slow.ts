/** Makes evaluation take `ms` per event (busy, as real rule evaluation is), so queues fill. */
export function slowly<A extends unknown[], R>(fn: (...args: A) => R, ms: number): (...args: A) => R {
  return (...args) => {
    const until = performance.now() + ms;
    while (performance.now() < until);
    return fn(...args);
  };
}
