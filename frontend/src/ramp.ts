// Colour ramp for walking minutes on gap maps: green within the 15-minute
// budget, through amber, to red for places far from any outlet.

export interface RampStop {
  /** upper bound in minutes (exclusive); Infinity for the last class */
  below: number;
  color: string;
}

export const minutesRamp: RampStop[] = [
  { below: 5, color: '#1a9850' },
  { below: 10, color: '#66bd63' },
  { below: 15, color: '#d9ef8b' },
  { below: 20, color: '#fee08b' },
  { below: 30, color: '#fc8d59' },
  { below: Infinity, color: '#d73027' },
];

/** colorForMinutes gives the class colour of a walking time; unreachable (null, NaN, Infinity) is the last class. */
export function colorForMinutes(minutes: number | null | undefined, ramp: RampStop[] = minutesRamp): string {
  if (minutes == null || !Number.isFinite(minutes)) return ramp[ramp.length - 1].color;
  for (const s of ramp) if (minutes < s.below) return s.color;
  return ramp[ramp.length - 1].color;
}

/** stepExpression is the MapLibre paint expression for the ramp over a numeric feature property. */
export function stepExpression(property: string, ramp: RampStop[] = minutesRamp): unknown[] {
  const expr: unknown[] = ['step', ['coalesce', ['get', property], 1e9], ramp[0].color];
  for (let i = 0; i < ramp.length - 1; i++) expr.push(ramp[i].below, ramp[i + 1].color);
  return expr;
}

/** legendClasses labels each class as "a–b" minutes, the last as "≥ a". */
export function legendClasses(ramp: RampStop[] = minutesRamp): { label: string; color: string }[] {
  let lo = 0;
  return ramp.map((s) => {
    const label = Number.isFinite(s.below) ? `${lo}–${s.below}` : `≥ ${lo}`;
    lo = s.below;
    return { label, color: s.color };
  });
}

/** The gap layer's classes within the 15-minute walk; beyond it a cell has no time (null). */
export const gapRamp: RampStop[] = [
  { below: 5, color: '#1a9850' },
  { below: 10, color: '#91cf60' },
  { below: 15, color: '#d9ef8b' },
  { below: Infinity, color: '#d73027' },
];

/** Cells where nobody lives: no gap to close, drawn neutral. */
export const noResidentsColor = '#c9ced3';

/**
 * gapExpression colours gap cells: neutral where the population is 0; the
 * last class (the alarm) where most residents are beyond the walk, which on
 * a single cell means any (unreached, from the gap tiles); else by walking
 * minutes, with no time (beyond the walk) in the last class.
 */
export function gapExpression(ramp: RampStop[] = gapRamp): unknown[] {
  const population = ['coalesce', ['get', 'population'], 1];
  return [
    'case',
    ['==', population, 0],
    noResidentsColor,
    ['>', ['*', 2, ['coalesce', ['get', 'unreached'], 0]], population],
    ramp[ramp.length - 1].color,
    stepExpression('minutes', ramp),
  ];
}

export interface GapClass {
  kind: 'minutes' | 'beyond' | 'empty';
  /** "0–5" for a minutes class, the walk's minutes ("15") for beyond, "" for no residents */
  label: string;
  color: string;
}

/** gapClasses are the gap layer's legend classes: minute ranges, beyond the walk, no residents. */
export function gapClasses(ramp: RampStop[] = gapRamp): GapClass[] {
  const out: GapClass[] = [];
  let lo = 0;
  for (const s of ramp) {
    if (Number.isFinite(s.below)) out.push({ kind: 'minutes', label: `${lo}–${s.below}`, color: s.color });
    else out.push({ kind: 'beyond', label: String(lo), color: s.color });
    lo = s.below;
  }
  out.push({ kind: 'empty', label: '', color: noResidentsColor });
  return out;
}
