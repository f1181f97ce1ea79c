export {
  createLocalEventLog,
  type DurableTap,
  type LocalEventLog,
  type LocalEventLogOptions,
  type LocalEventLogStats,
} from './local-event-log.js';
