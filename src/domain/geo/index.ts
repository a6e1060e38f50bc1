/** Geography: coordinates, distances, the travel model and a spatial index. Other contexts import this context through this file. */
export * from './coordinates.ts';
export * from './distance.ts';
export * from './spatial-index.ts';
export * from './travel.ts';
