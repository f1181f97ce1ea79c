export * from './clock.js';
export * from './entities.js';
export * from './errors.js';
export * from './ids.js';
export * from './resources.js';
export * from './roles.js';
export * from './targeting.js';
export * from './time-zones.js';
