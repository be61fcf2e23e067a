/**
 * A small map for the search: the coastline of Natural Earth (world-atlas, bundled: no tile
 * server), the stations of the shared data as markers, and a rectangle drawn with the pointer as
 * the map-area filter.
 */
import { geoMercator, geoPath, type GeoPermissibleObjects } from 'd3-geo';
import type { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { BBox } from '@odatis-vre/catalog';
import { feature } from 'topojson-client';
import type { Topology } from 'topojson-specification';

export interface MapStation {
  id: string;
  name: string;
  latitude: number;
  longitude: number;
}

const SVG = 'http://www.w3.org/2000/svg';

/** The views offered, west, south, east, north. */
export const MAP_VIEWS: Record<string, BBox> = {
  france: [-6.5, 41, 10, 51.8],
  channel: [-6, 48, 3.5, 51.6],
  europe: [-25, 34, 35, 66]
};

/** The coastlines offered: 1:110 m (55 KB) and 1:50 m (half a megabyte), each a chunk of its own. */
type Detail = '110m' | '50m';

const landPromises: Partial<Record<Detail, Promise<GeoPermissibleObjects>>> = {};

/** Natural Earth land at that scale, loaded once per page. */
function land(detail: Detail): Promise<GeoPermissibleObjects> {
  landPromises[detail] ??= (
    detail === '50m' ? import('world-atlas/land-50m.json') : import('world-atlas/land-110m.json')
  ).then(m => {
    const topology = ((m as { default?: unknown }).default ?? m) as Topology;
    return feature(topology, topology.objects.land) as GeoPermissibleObjects;
  });
  return landPromises[detail];
}

function svg<K extends keyof SVGElementTagNameMap>(
  name: K,
  attributes: Record<string, string | number> = {}
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, String(v));
  return e;
}

const round = (x: number) => Math.round(x * 100) / 100;

export class StationMap extends Widget {
  constructor(options: StationMap.IOptions) {
    super();
    this.addClass('odatis-DataMap');
    this.trans = options.trans;
    this.onBBox = options.onBBox;
    this.view = options.view ?? MAP_VIEWS.france;
    this.svg = svg('svg', { role: 'img' });
    this.svg.classList.add('odatis-DataMap-svg');
    this.svg.setAttribute(
      'aria-label',
      this.trans.__('Map of the stations; drag to draw a search area')
    );
    this.node.appendChild(this.svg);
    const bar = document.createElement('div');
    bar.className = 'odatis-DataMap-bar';
    this.views = document.createElement('select');
    this.views.className = 'odatis-DataMap-views';
    this.views.setAttribute('aria-label', this.trans.__('Map view'));
    for (const [key, label] of [
      ['france', this.trans.__('France')],
      ['channel', this.trans.__('Channel')],
      ['europe', this.trans.__('Europe')]
    ]) {
      const o = document.createElement('option');
      o.value = key;
      o.textContent = label;
      this.views.appendChild(o);
    }
    this.views.onchange = () => {
      this.view = MAP_VIEWS[this.views.value];
      this.render();
      this.loadFineCoastline(); // a closer view at once, whatever the page is doing
    };
    this.label = document.createElement('span');
    this.label.className = 'odatis-DataMap-area';
    this.clear = document.createElement('button');
    this.clear.className = 'jp-Button jp-mod-minimal odatis-DataMap-clear';
    this.clear.textContent = this.trans.__('Clear area');
    this.clear.onclick = () => this.setBBox(null, true);
    bar.append(this.views, this.label, this.clear);
    this.node.appendChild(bar);
    this.svg.addEventListener('pointerdown', this);
    this.stations = options.stations ?? [];
    // The coarse coastline first (enough for a first look); the fine one once the browser is idle
    // after `fineCoastlineAfter`, so that a page start does not wait for half a megabyte of coastline.
    void land('110m').then(shape => {
      if (this.landShape) return; // the fine one came first
      this.landShape = shape;
      this.svg.dataset.coastline = '110m';
      this.render();
    });
    void (options.fineCoastlineAfter ?? Promise.resolve()).then(() =>
      (window.requestIdleCallback ?? setTimeout)(() => this.loadFineCoastline())
    );
  }

  /** Replaces the coarse coastline with the 1:50 m one (loaded once). */
  private loadFineCoastline(): void {
    void land('50m').then(shape => {
      if (this.landShape === shape) return;
      this.landShape = shape;
      this.svg.dataset.coastline = '50m';
      this.render();
    });
  }

  /** The area drawn, or null. */
  get bbox(): BBox | null {
    return this._bbox;
  }

  setStations(stations: MapStation[]): void {
    this.stations = stations;
    this.render();
  }

  setBBox(bbox: BBox | null, notify = false): void {
    this._bbox = bbox;
    this.render();
    if (notify) this.onBBox(bbox);
  }

  handleEvent(event: Event): void {
    const e = event as PointerEvent;
    switch (event.type) {
      case 'pointerdown': {
        if (e.button !== 0) return;
        e.preventDefault();
        this.svg.setPointerCapture(e.pointerId);
        this.dragStart = this.point(e);
        this.svg.addEventListener('pointermove', this);
        this.svg.addEventListener('pointerup', this);
        break;
      }
      case 'pointermove':
        if (this.dragStart) this.drawDrag(this.dragStart, this.point(e));
        break;
      case 'pointerup': {
        this.svg.removeEventListener('pointermove', this);
        this.svg.removeEventListener('pointerup', this);
        const start = this.dragStart;
        this.dragStart = null;
        if (!start) return;
        const end = this.point(e);
        if (Math.abs(end[0] - start[0]) < 4 || Math.abs(end[1] - start[1]) < 4) {
          this.render();
          return;
        }
        const projection = this.projection();
        const a = projection.invert!([Math.min(start[0], end[0]), Math.max(start[1], end[1])])!;
        const b = projection.invert!([Math.max(start[0], end[0]), Math.min(start[1], end[1])])!;
        this.setBBox([round(a[0]), round(a[1]), round(b[0]), round(b[1])], true);
        break;
      }
    }
  }

  protected onResize(msg: Widget.ResizeMessage): void {
    super.onResize(msg);
    this.render();
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.render();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this.render();
  }

  dispose(): void {
    this.svg.removeEventListener('pointerdown', this);
    super.dispose();
  }

  private point(e: PointerEvent): [number, number] {
    const r = this.svg.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  }

  private size(): [number, number] {
    const width = Math.max(120, this.svg.clientWidth || this.node.clientWidth || 280);
    return [width, Math.round(width * 0.62)];
  }

  private projection() {
    const [w, h] = this.size();
    const [west, south, east, north] = this.view;
    // Corners, not a polygon: d3-geo reads a ring's winding on the sphere (a counter-clockwise
    // ring is the whole globe but the rectangle).
    const frame = {
      type: 'MultiPoint',
      coordinates: [
        [west, south],
        [east, north],
        [west, north],
        [east, south]
      ]
    } as GeoPermissibleObjects;
    return geoMercator().fitExtent(
      [
        [2, 2],
        [w - 2, h - 2]
      ],
      frame
    );
  }

  private drawDrag(a: [number, number], b: [number, number]): void {
    this.svg.querySelector('.odatis-DataMap-drag')?.remove();
    const rect = svg('rect', {
      x: Math.min(a[0], b[0]),
      y: Math.min(a[1], b[1]),
      width: Math.abs(a[0] - b[0]),
      height: Math.abs(a[1] - b[1])
    });
    rect.classList.add('odatis-DataMap-drag');
    this.svg.appendChild(rect);
  }

  /** Draws the coastline, the markers and the area. */
  render(): void {
    if (!this.isVisible && this.isAttached) return;
    const [w, h] = this.size();
    this.svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
    this.svg.setAttribute('height', String(h));
    this.svg.replaceChildren();
    const projection = this.projection();
    const path = geoPath(projection);
    this.svg.appendChild(
      svg('rect', { x: 0, y: 0, width: w, height: h, class: 'odatis-DataMap-sea' })
    );
    if (this.landShape) {
      this.svg.appendChild(
        svg('path', { d: path(this.landShape) ?? '', class: 'odatis-DataMap-land' })
      );
    }
    const inside = (s: MapStation) =>
      !this._bbox ||
      (s.longitude >= this._bbox[0] &&
        s.longitude <= this._bbox[2] &&
        s.latitude >= this._bbox[1] &&
        s.latitude <= this._bbox[3]);
    for (const s of this.stations) {
      const p = projection([s.longitude, s.latitude]);
      if (!p) continue;
      const marker = svg('circle', {
        cx: round(p[0]),
        cy: round(p[1]),
        r: 4.5,
        'data-station': s.id
      });
      marker.classList.add('odatis-DataMap-station');
      if (!inside(s)) marker.classList.add('odatis-mod-outside');
      const title = svg('title');
      title.textContent = s.name;
      marker.appendChild(title);
      this.svg.appendChild(marker);
    }
    if (this._bbox) {
      const [west, south, east, north] = this._bbox;
      const a = projection([west, north])!;
      const b = projection([east, south])!;
      const rect = svg('rect', {
        x: a[0],
        y: a[1],
        width: Math.max(1, b[0] - a[0]),
        height: Math.max(1, b[1] - a[1])
      });
      rect.classList.add('odatis-DataMap-bbox');
      this.svg.appendChild(rect);
      this.label.textContent = this.trans.__('%1°–%2°E, %3°–%4°N', west, east, south, north);
      this.clear.disabled = false;
    } else {
      this.label.textContent = this.trans.__('Drag on the map to search an area');
      this.clear.disabled = true;
    }
  }

  private readonly trans: TranslationBundle;
  private readonly onBBox: (bbox: BBox | null) => void;
  private readonly svg: SVGSVGElement;
  private readonly views: HTMLSelectElement;
  private readonly label: HTMLSpanElement;
  private readonly clear: HTMLButtonElement;
  private view: BBox;
  private stations: MapStation[];
  private landShape: GeoPermissibleObjects | null = null;
  private _bbox: BBox | null = null;
  private dragStart: [number, number] | null = null;
}

export namespace StationMap {
  export interface IOptions {
    trans: TranslationBundle;
    stations?: MapStation[];
    view?: BBox;
    onBBox: (bbox: BBox | null) => void;
    /** The 1:50 m coastline is loaded when the browser is idle after this (default: at once). */
    fineCoastlineAfter?: Promise<unknown>;
  }
}
