export * from './vocabulary.js';
export * from './entities.js';
export * from './errors.js';
export * from './channels.js';
export * from './api.js';
