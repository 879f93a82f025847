import type { ConfigEvent } from '../catalog/config-event.ts';
import type { StuckEvent } from '../grants/decide-stuck.ts';
import { TRANSITION_EVENT_SCHEMA, type TransitionEvent } from '../grants/types.ts';
import type { LifecycleEvent } from '../lifecycle/lifecycle-event.ts';

/** Every event the monitor announces: its JSON is what subscribers and EventBridge rules see. */
export type AnnouncedEvent = TransitionEvent | LifecycleEvent | StuckEvent | ConfigEvent;

/** Whether `event` is a grant transition (those alone go to the grant history). */
export function isTransitionEvent(event: AnnouncedEvent): event is TransitionEvent {
  return event.schema === TRANSITION_EVENT_SCHEMA;
}
