/**
 * Demo staff for the Yizhuang 2022 scenario (data/scenarios/yizhuang-2022.network.json).
 *
 * About 330 people across the scenario's stores, warehouses, the distribution centre and the
 * processing & logistics centre. From the seed: 48 store staff able to go closed-loop into the
 * locked-down Dazu Plaza store (the seed says they came from 8 stores; the scenario has four
 * other stores, so 12 come from each), and 104 logistics staff at the logistics centre. Dazu
 * Plaza's own people sit inside the lockdown area at home, so their permits are `not_cleared`.
 * Everything else (headcounts per node, role mix, names) is a plausible estimate generated
 * from a fixed seed, labelled as such in docs/workforce.md.
 */
import { seededRandom } from '../shared/index.ts';
import type { Role, StaffMember } from './model.ts';

interface Group {
  nodeId: string;
  prefix: string;
  count: number;
  mix: Array<[Role[], number]>;
  closedLoopVolunteers?: number;
  permit?: StaffMember['permitStatus'];
}

const STORE_MIX: Array<[Role[], number]> = [
  [['picker', 'packer'], 40],
  [['packer'], 10],
  [['receiver', 'shelver'], 20],
  [['rider'], 25],
  [['manager', 'picker'], 5],
];

const GROUPS: Group[] = [
  { nodeId: 'dazu-plaza', prefix: 'DZ', count: 40, mix: STORE_MIX, permit: 'not_cleared' },
  { nodeId: 'yicheng-jingyuan', prefix: 'YC', count: 60, mix: STORE_MIX, closedLoopVolunteers: 12 },
  { nodeId: 'fengtai-dayue', prefix: 'FD', count: 25, mix: STORE_MIX, closedLoopVolunteers: 12 },
  { nodeId: 'fengtai-wannian', prefix: 'FW', count: 25, mix: STORE_MIX, closedLoopVolunteers: 12 },
  { nodeId: 'taihe-plaza', prefix: 'TH', count: 25, mix: STORE_MIX, closedLoopVolunteers: 12 },
  { nodeId: 'yz-satellite', prefix: 'SW', count: 30, mix: STORE_MIX },
  { nodeId: 'south-dc', prefix: 'DC', count: 20, mix: [[['receiver', 'shelver'], 60], [['picker', 'packer'], 30], [['manager', 'receiver'], 10]] },
  {
    nodeId: 'plc-south',
    prefix: 'LC',
    count: 104,
    mix: [[['driver'], 45], [['receiver', 'shelver'], 25], [['picker', 'packer'], 20], [['manager', 'driver'], 10]],
  },
];

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '高', '罗'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '磊', '强', '军', '洋', '勇', '艳', '杰', '涛', '明', '超', '秀英', '华', '丽', '鹏', '婷'];

/** The demo staff; `seed` only changes names and role draws, not headcounts or the 48 / 104. */
export function yizhuangDemoStaff(seed = 20220622): StaffMember[] {
  const rnd = seededRandom(seed);
  const out: StaffMember[] = [];
  for (const g of GROUPS) {
    const total = g.mix.reduce((s, [, w]) => s + w, 0);
    for (let i = 0; i < g.count; i++) {
      // Managers first so every node has at least one; the rest drawn by weight.
      let roles: Role[];
      if (i === 0) roles = g.mix.find(([r]) => r.includes('manager'))?.[0] ?? g.mix[0][0];
      else {
        let x = rnd.int(total);
        roles = g.mix[g.mix.length - 1][0];
        for (const [r, w] of g.mix) {
          if (x < w) {
            roles = r;
            break;
          }
          x -= w;
        }
      }
      const volunteer = i < (g.closedLoopVolunteers ?? 0);
      out.push({
        id: `${g.prefix}-${String(i + 1).padStart(3, '0')}`,
        name: SURNAMES[rnd.int(SURNAMES.length)] + GIVEN[rnd.int(GIVEN.length)],
        homeNodeId: g.nodeId,
        roles: [...roles],
        skills: g.nodeId === 'plc-south' && roles.includes('driver') ? ['cold-chain'] : [],
        permitStatus: g.permit ?? (volunteer || rnd.next() < 0.6 ? 'cleared' : 'pending'),
        canLiveOnSite: volunteer,
        maxHoursPerDay: volunteer ? 14 : 12,
        unavailable: [],
        insideNodeId: null,
      });
    }
  }
  return out;
}
