// What every page of the app gets from the shell and gives back to it.

import type { Map } from 'maplibre-gl';

export interface Context {
  map: Map;
  /** panel is the side (desktop) or bottom (mobile) area the view fills */
  panel: HTMLElement;
  /** demoData shows or hides the synthetic-data banner */
  demoData(on: boolean): void;
  /** go changes the route, e.g. go('#/login') */
  go(hash: string): void;
}

export interface View {
  /** needsLogin views redirect anonymous users to the login form */
  needsLogin: boolean;
  /** wide views get a wider panel for tables */
  wide?: boolean;
  /** views that draw nothing on the map give a phone's whole screen to the panel */
  noMap?: boolean;
  enter(ctx: Context): void;
  /** render redraws the panel, e.g. after a language switch */
  render(): void;
  leave(): void;
}
