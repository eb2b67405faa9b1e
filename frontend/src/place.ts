// Opening the map at a place given in the page address.

/** viewFromQuery reads ?center=lon,lat&zoom=z (links that open the map at a place), or null when absent or invalid. */
export function viewFromQuery(search: string): { center: [number, number]; zoom: number } | null {
  const q = new URLSearchParams(search);
  const c = (q.get('center') ?? '').split(',').map(Number);
  if (c.length !== 2 || !c.every(Number.isFinite) || Math.abs(c[0]) > 180 || Math.abs(c[1]) > 90) return null;
  const z = Number(q.get('zoom') ?? 14);
  return { center: [c[0], c[1]], zoom: Number.isFinite(z) ? Math.min(Math.max(z, 0), 20) : 14 };
}
