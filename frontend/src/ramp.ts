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
