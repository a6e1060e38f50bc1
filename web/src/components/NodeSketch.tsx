import { useTranslation } from 'react-i18next';
import { localName } from '../i18n/index.ts';
import { STATUS_COLOR } from './colors.ts';
import type { MapNode } from './MapView.tsx';

/**
 * What the map pane shows while the map (Leaflet, its own chunk) is still on its way:
 * every node as a dot coloured by status, placed by its coordinates, with its name. It
 * needs only the node list, so on a slow phone the first screen says which stores are
 * open without waiting for the map library, the zones' shapes or the basemap. It is a
 * picture for the eyes only (aria-hidden): the node list beside it carries the same
 * facts for a screen reader, and the real map replaces it as soon as it is ready.
 */
export function NodeSketch(props: { nodes: MapNode[] }) {
  const { t } = useTranslation();
  const nodes = props.nodes;
  if (nodes.length === 0) return <div className="map node-sketch" data-testid="node-sketch" />;
  const lats = nodes.map((n) => n.lat);
  const lngs = nodes.map((n) => n.lng);
  const [minLat, maxLat, minLng, maxLng] = [Math.min(...lats), Math.max(...lats), Math.min(...lngs), Math.max(...lngs)];
  // Equirectangular at the district's latitude: a degree of longitude is shorter than one of latitude.
  const kx = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const w = Math.max((maxLng - minLng) * kx, 1e-4);
  const h = Math.max(maxLat - minLat, 1e-4);
  const pad = 0.12;
  const x = (lng: number) => (pad + ((1 - 2 * pad) * (lng - minLng) * kx) / w) * 100;
  const y = (lat: number) => (pad + ((1 - 2 * pad) * (maxLat - lat)) / h) * 100;
  return (
    <div className="map node-sketch" data-testid="node-sketch" aria-hidden="true">
      {nodes.map((n) => (
        // Names of dots in the right third go to their left, so they stay inside the pane.
        <span key={n.id} className={`node-sketch-dot${x(n.lng) > 66 ? ' left' : ''}`} data-status={n.status} style={{ left: `${x(n.lng)}%`, top: `${y(n.lat)}%` }}>
          <span className="dot" style={{ background: STATUS_COLOR[n.status] ?? '#9e9e9e' }} />
          <span className="node-sketch-label">{localName(n)}</span>
        </span>
      ))}
      <span className="node-sketch-note muted small">{t('map.loadingMap')}</span>
    </div>
  );
}
