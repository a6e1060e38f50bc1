/** The scenarios shipped with Baogong (data/scenarios/NAME.scenario.json): a constant on its own so the CLI can name them without loading the simulation. */
export const BUILT_IN_SCENARIOS = ['yizhuang-2022'] as const;
