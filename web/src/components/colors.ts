/** Colours used on the map and in the legend, one meaning each. */
export const STATUS_COLOR: Record<string, string> = {
  open: '#2e9d57',
  online_only: '#2f6fd6',
  suspended: '#d23c3c',
  closed: '#7a7a7a',
};

export const LEVEL_COLOR: Record<string, string> = {
  lockdown: '#c62828',
  controlled: '#ef8a17',
  precaution: '#e6c229',
};

const PALETTE = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#1f78b4', '#b15928', '#6a3d9a', '#33a02c', '#fb9a99'];

/** A stable colour per serving node, so a zone's colour says who serves it. */
export function nodeColor(nodeId: string | null | undefined, order: string[] = []): string {
  if (!nodeId) return '#9e9e9e';
  const i = order.indexOf(nodeId);
  if (i >= 0) return PALETTE[i % PALETTE.length];
  let h = 0;
  for (const ch of nodeId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length];
}

/**
 * Colours for the nodes that serve zones: each node keeps the colour its id hashes
 * to, so opening a new node does not repaint the others; two nodes that hash alike
 * get the next free colour (the one later by id moves).
 */
export function assignNodeColors(ids: Iterable<string>): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<number>();
  for (const id of [...new Set(ids)].sort()) {
    let h = 0;
    for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    let i = h % PALETTE.length;
    for (let k = 0; k < PALETTE.length && used.has(i); k++) i = (i + 1) % PALETTE.length;
    used.add(i);
    out.set(id, PALETTE[i]);
  }
  return out;
}
