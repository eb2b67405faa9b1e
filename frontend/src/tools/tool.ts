// What a planner tool gets from its view: the map, its layers, and a way to
// ask for the panel to be redrawn.

import type { Map } from 'maplibre-gl';
import type { Layers } from '../map';

export interface ToolHost {
  map: Map;
  layers: Layers;
}

/** percent shows a 0..1 share as a whole percentage. */
export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}
