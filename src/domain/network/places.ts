/**
 * Address search without a map service: a person types part of a name or an address
 * (Chinese or English) and picks one of the network's known places: its own nodes
 * (with their addresses) and the points of interest shipped with the demo
 * (data/places/*.places.json). Pure: the caller loads both lists.
 */
export interface Place {
  id: string;
  kind: string;
  nameZh: string;
  nameEn: string;
  address: string;
  lat: number;
  lng: number;
  /** `good` when two sources agree, `estimate` for a placeholder position. */
  confidence: string;
  source: 'node' | 'poi';
}

const norm = (s: string) => s.toLowerCase().replace(/[\s·()（）,，.'’-]+/g, '');

/**
 * Places whose name, address or id contains the query (ignoring case, spaces and
 * punctuation), best first: a name that starts with it, then a name that contains
 * it, then an address; ties by name. An empty query lists every place.
 */
export function searchPlaces(places: readonly Place[], query: string, limit = 10): Place[] {
  const q = norm(query);
  const scored = places
    .map((p) => {
      if (q === '') return { p, score: 3 };
      const names = [norm(p.nameZh), norm(p.nameEn), norm(p.id)];
      if (names.some((n) => n.startsWith(q))) return { p, score: 0 };
      if (names.some((n) => n.includes(q))) return { p, score: 1 };
      if (norm(p.address).includes(q)) return { p, score: 2 };
      return null;
    })
    .filter((x): x is { p: Place; score: number } => x !== null);
  scored.sort((a, b) => a.score - b.score || a.p.nameEn.localeCompare(b.p.nameEn));
  return scored.slice(0, limit).map((x) => x.p);
}
