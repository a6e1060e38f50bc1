/**
 * One canonical form for a request path, applied before routing, so every spelling
 * of a path reaches the same route and the same access decision: percent-encoded
 * unreserved characters are decoded (`/%61pi` is `/api`), runs of slashes become
 * one, `.` and `..` segments are resolved, and a trailing slash is dropped. Case
 * is left alone here; the router matches the static parts of a route without case
 * (parameters keep theirs). Reserved characters stay encoded (`%2F` is not a slash).
 * The query string is kept as it is.
 */
export function normalisePath(url: string): string {
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? '' : url.slice(q);
  const decoded = rawPath.replace(/%([0-9A-Fa-f]{2})/g, (m, hex: string) => {
    const c = String.fromCharCode(parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(c) ? c : m.toUpperCase();
  });
  const out: string[] = [];
  for (const seg of decoded.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      out.pop();
      continue;
    }
    out.push(seg);
  }
  return '/' + out.join('/') + query;
}
