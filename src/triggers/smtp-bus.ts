/**
 * The SMTP listener's port onto the event bus: a received mail is stored as one PutEvents entry (committed before
 * the SMTP client gets its 250) and delivery is woken so matching rules start their workflows at once.
 */
import type { ServiceContext } from '../service/context.js';
import { putEvents } from './event-rules.js';
import type { PutEvent } from './smtp.js';

/** A PutEvent over the service's bus; `wake` is the event delivery's wake-up (startEventDelivery(...).wake). */
export function busPutEvent(ctx: ServiceContext, wake: () => void): PutEvent {
  return (e) => {
    const res = putEvents(ctx, { entries: [e] });
    const entry = res.entries[0] as { errorCode?: string; errorMessage?: string } | undefined;
    if (res.failedEntryCount > 0) throw new Error(`the bus refused the mail event: ${entry?.errorMessage ?? 'unknown error'}`);
    wake();
  };
}
