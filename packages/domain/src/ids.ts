import { v7 as uuidv7, validate, version } from 'uuid';

/**
 * Entity and event ids are UUIDv7: unique without coordination, and ordered by
 * creation time, so an id doubles as a stable pagination cursor.
 */
export const newId = (): string => uuidv7();

export const isId = (value: string): boolean => validate(value) && version(value) === 7;
