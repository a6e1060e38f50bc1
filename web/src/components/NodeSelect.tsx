import { useTranslation } from 'react-i18next';
import type { Node } from '../api/network.ts';
import { localName } from '../i18n/index.ts';

/** Nodes that hold stock for customers (stores and warehouses), first those in the district. */
export function stockNodes(nodes: Node[]): Node[] {
  return nodes.filter((n) => n.kind !== 'supplier');
}

export function NodeSelect(props: { nodes: Node[]; value: string; onChange: (id: string) => void; testId?: string; allowAll?: boolean }) {
  const { t } = useTranslation();
  return (
    <select value={props.value} onChange={(e) => props.onChange(e.target.value)} data-testid={props.testId} aria-label={t('common.node')}>
      {props.allowAll && <option value="">{t('common.all')}</option>}
      {props.nodes.map((n) => (
        <option key={n.id} value={n.id}>
          {localName(n)}
        </option>
      ))}
    </select>
  );
}
