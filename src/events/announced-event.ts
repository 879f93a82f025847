import type { ConfigEvent } from '../catalog/config-event.ts';
import type { StuckEvent } from '../grants/decide-stuck.ts';
import type { TransitionEvent } from '../grants/types.ts';
import type { LifecycleEvent } from '../lifecycle/lifecycle-event.ts';

/** Every event the monitor announces: its JSON is what subscribers and EventBridge rules see. */
export type AnnouncedEvent = TransitionEvent | LifecycleEvent | StuckEvent | ConfigEvent;
