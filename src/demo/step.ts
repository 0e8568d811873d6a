// A demo step: what the people do, then what must be true on the switch afterwards.
import type { Play } from './play.js';

export interface DemoStep {
  readonly title: string;
  run(play: Play): Promise<void>;
}

export interface DemoSection {
  readonly title: string;
  readonly steps: readonly DemoStep[];
}
