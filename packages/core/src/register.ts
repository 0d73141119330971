import type { DependencyContainer } from 'tsyringe';
import type { OuroborosPlugin } from './contracts/plugin.ts';
import { SchedulePlugin } from './contracts/schedule.ts';
import { TrackerPlugin } from './contracts/tracker.ts';
import { accumulateSchedule } from './mixing/accumulate.ts';
import { constantLambdaSchedule } from './mixing/constant-lambda.ts';
import { freshRealSchedule } from './mixing/fresh-real.ts';
import { fullySyntheticSchedule } from './mixing/fully-synthetic.ts';
import { consoleTrackerPlugin } from './trackers/console-tracker.ts';
import { localTrackerPlugin } from './trackers/local-tracker.ts';

/** The core's own plugins: the mixing schedules and the local and console trackers. */
export const corePlugins: OuroborosPlugin = {
  name: '@ouroboros/core',
  register(container: DependencyContainer) {
    for (const schedule of [constantLambdaSchedule, fullySyntheticSchedule, accumulateSchedule, freshRealSchedule]) {
      container.register(SchedulePlugin, { useValue: schedule });
    }
    for (const tracker of [localTrackerPlugin, consoleTrackerPlugin]) container.register(TrackerPlugin, { useValue: tracker });
  },
};
