export { createNatsEventLog, type NatsEventLog, type NatsEventLogOptions } from './nats-event-log.js';
