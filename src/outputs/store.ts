import type { AlertStore } from '../store/index.js';
import type { Output } from './output.js';

/** Keeps every alert, with its event, in the alert store. */
export function storeOutput(name: string, store: AlertStore): Output {
  return {
    name,
    batchSize: 500,
    send: async (alerts) => void (await store.insert(alerts)),
  };
}
