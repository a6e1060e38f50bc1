/**
 * The coolant rule: how much dry ice and how many ice packs go with each chilled or frozen load.
 * Documented in docs/trips.md; every parameter can be tuned in the trips settings.
 *
 * For one stop's load, with `h` the hours it spends on board (from the trip's departure to the
 * start of unloading, plus `handlingMin` for loading and unloading) and the temperature factor
 * `f = max(0.2, 1 + perDegreePct/100 × (outsideTempC − referenceTempC))`:
 *   frozen:  dry ice (g) = frozen volume (m³) × dryIceGPerM3Hour × h × f × r, at least minDryIceG,
 *            rounded up to whole bags of dryIceBagG;
 *   chilled: crates = ⌈chilled volume / crateL⌉; ice packs = ⌈crates × (icePacksPerCrate +
 *            icePacksPerCrateHour × h) × f × r⌉, at least one per crate;
 * where `r = refrigeratedPct / 100` when the compartment has its own cooling unit (the coolant is
 * then only a buffer for door openings and breakdowns) and 1 for a passive insulated box.
 */
import { err, ok, type Result } from '../shared/index.ts';
import type { Coolant, LoadSize } from './model.ts';

export interface CoolantRule {
  referenceTempC: number;
  perDegreePct: number;
  dryIceGPerM3Hour: number;
  minDryIceG: number;
  dryIceBagG: number;
  crateL: number;
  icePacksPerCrate: number;
  icePacksPerCrateHour: number;
  refrigeratedPct: number;
  handlingMin: number;
}

/**
 * Calibrated to the seed: its 33 cold-chain trips of 24-25 June 2022 needed over 10,000 dry-ice
 * bags and ice packs, about 330 a trip. A trip of that kind (a 4.2 m reefer or freezer at 80 % of
 * its volume, 20 km from the processing centre, 30 °C outside) gets about 440 packs (chilled) or
 * 120 bags (frozen) from these values; see docs/trips.md and coolant-calibration.test.ts.
 */
export const DEFAULT_COOLANT_RULE: CoolantRule = {
  referenceTempC: 25,
  perDegreePct: 3,
  dryIceGPerM3Hour: 20_000,
  minDryIceG: 1000,
  dryIceBagG: 1000,
  crateL: 40,
  icePacksPerCrate: 2,
  icePacksPerCrateHour: 1,
  refrigeratedPct: 50,
  handlingMin: 30,
};

const LIMITS: Record<keyof CoolantRule, [number, number]> = {
  referenceTempC: [-30, 50],
  perDegreePct: [0, 20],
  dryIceGPerM3Hour: [0, 100_000],
  minDryIceG: [0, 100_000],
  dryIceBagG: [100, 50_000],
  crateL: [1, 1000],
  icePacksPerCrate: [0, 50],
  icePacksPerCrateHour: [0, 50],
  refrigeratedPct: [0, 100],
  handlingMin: [0, 600],
};

/** Merges a partial, untrusted rule over `base`; each parameter must be an integer in its range. */
export function parseCoolantRule(input: unknown, base: CoolantRule = DEFAULT_COOLANT_RULE, field = 'coolant'): Result<CoolantRule> {
  if (input === undefined || input === null) return ok({ ...base });
  if (typeof input !== 'object' || Array.isArray(input)) return err({ code: 'validation_failed', field, message: `${field}: expected an object of coolant parameters`, expected: 'object', actual: input });
  const out = { ...base };
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
    const range = LIMITS[k as keyof CoolantRule];
    if (!range) return err({ code: 'validation_failed', field: `${field}.${k}`, message: `${field}.${k}: unknown coolant parameter`, expected: Object.keys(LIMITS), actual: k });
    if (typeof v !== 'number' || !Number.isInteger(v) || v < range[0] || v > range[1])
      return err({ code: 'validation_failed', field: `${field}.${k}`, message: `${field}.${k}: expected an integer in [${range[0]}, ${range[1]}], got ${JSON.stringify(v)}`, expected: `integer in [${range[0]}, ${range[1]}]`, actual: v });
    out[k as keyof CoolantRule] = v;
  }
  return ok(out);
}

export const noCoolant = (): Coolant => ({ dryIceG: 0, dryIceBags: 0, icePacks: 0 });

export function addCoolant(a: Coolant, b: Coolant): Coolant {
  return { dryIceG: a.dryIceG + b.dryIceG, dryIceBags: a.dryIceBags + b.dryIceBags, icePacks: a.icePacks + b.icePacks };
}

export interface CoolantInput {
  size: LoadSize;
  /** Seconds from the trip's departure to the start of unloading at this stop. */
  onBoardS: number;
  outsideTempC: number;
  chilledRefrigerated: boolean;
  frozenRefrigerated: boolean;
}

/** Coolant for one load; see the module comment for the rule. Always whole bags and packs. */
export function coolantFor(rule: CoolantRule, x: CoolantInput): Coolant {
  const hours = Math.max(0, x.onBoardS) / 3600 + rule.handlingMin / 60;
  const f = Math.max(0.2, 1 + (rule.perDegreePct / 100) * (x.outsideTempC - rule.referenceTempC));
  const out = noCoolant();
  const frozenCm3 = x.size.volumeCm3.frozen;
  if (frozenCm3 > 0 || x.size.weightG.frozen > 0) {
    const r = x.frozenRefrigerated ? rule.refrigeratedPct / 100 : 1;
    const grams = Math.max(rule.minDryIceG, (frozenCm3 / 1e6) * rule.dryIceGPerM3Hour * hours * f * r);
    out.dryIceBags = Math.ceil(grams / rule.dryIceBagG - 1e-9);
    out.dryIceG = out.dryIceBags * rule.dryIceBagG;
  }
  const chilledCm3 = x.size.volumeCm3.chilled;
  if (chilledCm3 > 0 || x.size.weightG.chilled > 0) {
    const r = x.chilledRefrigerated ? rule.refrigeratedPct / 100 : 1;
    const crates = Math.max(1, Math.ceil(chilledCm3 / (rule.crateL * 1000) - 1e-9));
    const packs = Math.ceil(crates * (rule.icePacksPerCrate + rule.icePacksPerCrateHour * hours) * f * r - 1e-9);
    out.icePacks = Math.max(crates, packs);
  }
  return out;
}
