export * from './item';
export * from './packet';
export * from './subjects';
export * from './messages';
export * from './config';
export * from './subject-catalog';
export * from './agent-title';
export * from './log-line';
