import type { Random } from '../shared/index.ts';
import type { DemandInput, EssentialTier, ItemInput, TemperatureClass } from './model.ts';

/**
 * The demo catalogue: a plausible fresh-grocery assortment of a few thousand items,
 * generated from category templates by a documented, seeded rule, so the same seed
 * always gives the same catalogue. See docs/scenario.md for the rule in prose.
 */
interface CategoryTemplate {
  category: string;
  temperatureClass: TemperatureClass;
  shelfLifeDays: number;
  unit: string;
  essential: boolean;
  /** Share of a store's daily units that falls in this category. */
  demandShare: number;
  /** Base products as [zh, en, priceFen, weightG, volumeCm3]. */
  products: Array<[string, string, number, number, number]>;
  /** Variants multiply the products: [zh prefix, en prefix, price factor, size factor]. */
  variants: Array<[string, string, number, number]>;
}

const SIZE_VARIANTS: CategoryTemplate['variants'] = [
  ['', '', 1, 1],
  ['家庭装', 'Family pack', 1.8, 2],
  ['精选', 'Select', 1.4, 1],
  ['有机', 'Organic', 2.2, 1],
  ['小包装', 'Small pack', 0.6, 0.5],
  ['京郊', 'Beijing local', 1.1, 1],
  ['礼盒', 'Gift box', 3, 3],
  ['特惠', 'Value', 0.8, 1],
];

export const CATEGORY_TEMPLATES: CategoryTemplate[] = [
  {
    category: 'vegetables', temperatureClass: 'chilled', shelfLifeDays: 5, unit: 'bag', essential: true, demandShare: 0.2,
    products: [
      ['大白菜', 'Napa cabbage', 390, 1500, 4000], ['土豆', 'Potato', 450, 1000, 1500], ['西红柿', 'Tomato', 690, 500, 900],
      ['黄瓜', 'Cucumber', 490, 500, 900], ['胡萝卜', 'Carrot', 390, 500, 700], ['洋葱', 'Onion', 350, 500, 800],
      ['青椒', 'Green pepper', 590, 400, 900], ['茄子', 'Aubergine', 550, 500, 1100], ['西兰花', 'Broccoli', 690, 400, 1200],
      ['菠菜', 'Spinach', 490, 300, 1200], ['生菜', 'Lettuce', 450, 300, 1300], ['油麦菜', 'Youmai lettuce', 390, 300, 1200],
      ['芹菜', 'Celery', 450, 500, 1400], ['韭菜', 'Chinese chives', 490, 300, 900], ['大葱', 'Scallion (Zhangqiu)', 590, 1000, 2500],
      ['蒜', 'Garlic', 690, 250, 400], ['姜', 'Ginger', 590, 250, 350], ['冬瓜', 'Winter melon', 490, 1500, 2500],
      ['南瓜', 'Pumpkin', 590, 1500, 2500], ['豆角', 'Green beans', 690, 500, 900], ['山药', 'Chinese yam', 990, 600, 900],
      ['莲藕', 'Lotus root', 890, 600, 900], ['香菇', 'Shiitake', 890, 250, 900], ['金针菇', 'Enoki', 350, 200, 500],
      ['豆芽', 'Bean sprouts', 290, 400, 900], ['娃娃菜', 'Baby cabbage', 590, 600, 1200], ['空心菜', 'Water spinach', 490, 300, 1200],
      ['小油菜', 'Bok choy', 390, 400, 1200], ['苦瓜', 'Bitter melon', 590, 400, 900], ['丝瓜', 'Luffa', 590, 500, 900],
    ],
    variants: SIZE_VARIANTS,
  },
  {
    category: 'fruit', temperatureClass: 'chilled', shelfLifeDays: 10, unit: 'box', essential: true, demandShare: 0.12,
    products: [
      ['苹果', 'Apple (Fuji)', 1290, 1000, 1800], ['香蕉', 'Banana', 690, 800, 1800], ['橙子', 'Orange', 1190, 1000, 1800],
      ['梨', 'Pear', 990, 1000, 1800], ['葡萄', 'Grapes', 1590, 500, 1000], ['西瓜', 'Watermelon', 2590, 5000, 7000],
      ['桃', 'Peach', 1490, 750, 1500], ['猕猴桃', 'Kiwi', 1690, 600, 1000], ['草莓', 'Strawberry', 2990, 400, 1000],
      ['芒果', 'Mango', 1990, 800, 1500], ['哈密瓜', 'Hami melon', 1990, 2000, 3500], ['樱桃', 'Cherry', 4990, 500, 900],
      ['柠檬', 'Lemon', 990, 500, 800], ['火龙果', 'Dragon fruit', 1290, 800, 1400], ['蓝莓', 'Blueberry', 2590, 250, 500],
    ],
    variants: SIZE_VARIANTS,
  },
  {
    category: 'meat', temperatureClass: 'chilled', shelfLifeDays: 4, unit: 'pack', essential: true, demandShare: 0.1,
    products: [
      ['猪里脊', 'Pork tenderloin', 2590, 500, 700], ['五花肉', 'Pork belly', 2990, 500, 700], ['猪肉馅', 'Minced pork', 1990, 500, 600],
      ['排骨', 'Pork ribs', 3990, 500, 800], ['牛腩', 'Beef brisket', 4990, 500, 700], ['牛里脊', 'Beef tenderloin', 6990, 400, 600],
      ['羊肉片', 'Lamb slices', 4590, 400, 600], ['鸡胸肉', 'Chicken breast', 1590, 500, 700], ['鸡腿', 'Chicken drumsticks', 1790, 800, 1000],
      ['鸡翅中', 'Chicken wings', 2990, 500, 800], ['整鸡', 'Whole chicken', 3590, 1300, 2500], ['牛肉馅', 'Minced beef', 3990, 400, 600],
    ],
    variants: SIZE_VARIANTS.slice(0, 6),
  },
  {
    category: 'seafood', temperatureClass: 'chilled', shelfLifeDays: 3, unit: 'pack', essential: false, demandShare: 0.03,
    products: [
      ['鲈鱼', 'Sea bass', 3990, 600, 1200], ['草鱼', 'Grass carp', 2590, 1000, 2000], ['虾仁', 'Shrimp meat', 4590, 300, 500],
      ['基围虾', 'Greasyback shrimp', 5990, 500, 900], ['带鱼', 'Hairtail', 3590, 500, 800], ['扇贝', 'Scallops', 3990, 500, 900],
    ],
    variants: SIZE_VARIANTS.slice(0, 5),
  },
  {
    category: 'eggs', temperatureClass: 'ambient', shelfLifeDays: 30, unit: 'box', essential: true, demandShare: 0.06,
    products: [
      ['鸡蛋30枚', 'Eggs 30', 2490, 1800, 3500], ['鸡蛋10枚', 'Eggs 10', 990, 600, 1200], ['土鸡蛋', 'Free-range eggs', 1990, 600, 1200],
      ['鸭蛋', 'Duck eggs', 1590, 700, 1300], ['鹌鹑蛋', 'Quail eggs', 1290, 300, 600], ['咸鸭蛋', 'Salted duck eggs', 1490, 400, 800],
    ],
    variants: SIZE_VARIANTS.slice(0, 6),
  },
  {
    category: 'dairy', temperatureClass: 'chilled', shelfLifeDays: 14, unit: 'box', essential: true, demandShare: 0.08,
    products: [
      ['鲜牛奶', 'Fresh milk', 1290, 1000, 1100], ['酸奶', 'Yoghurt', 990, 600, 700], ['常温奶', 'UHT milk', 5990, 6000, 7000],
      ['奶酪', 'Cheese', 2490, 200, 300], ['豆浆', 'Soy milk', 590, 1000, 1100], ['黄油', 'Butter', 2990, 250, 300],
      ['儿童奶', "Children's milk", 4990, 3000, 3500], ['低脂奶', 'Low-fat milk', 1390, 1000, 1100],
    ],
    variants: SIZE_VARIANTS.slice(0, 6),
  },
  {
    category: 'rice', temperatureClass: 'ambient', shelfLifeDays: 365, unit: 'bag', essential: true, demandShare: 0.05,
    products: [
      ['东北大米', 'Northeast rice', 4990, 5000, 6500], ['五常大米', 'Wuchang rice', 8990, 5000, 6500], ['泰国香米', 'Thai jasmine rice', 6990, 5000, 6500],
      ['小米', 'Millet', 1990, 1000, 1300], ['糯米', 'Glutinous rice', 1590, 1000, 1300], ['杂粮', 'Mixed grains', 2590, 1000, 1300],
    ],
    variants: SIZE_VARIANTS,
  },
  {
    category: 'flour', temperatureClass: 'ambient', shelfLifeDays: 270, unit: 'bag', essential: true, demandShare: 0.03,
    products: [
      ['中筋面粉', 'All-purpose flour', 2990, 5000, 6500], ['高筋面粉', 'Bread flour', 1990, 2500, 3300], ['饺子粉', 'Dumpling flour', 2490, 2500, 3300],
      ['玉米面', 'Cornmeal', 990, 1000, 1300],
    ],
    variants: SIZE_VARIANTS.slice(0, 6),
  },
  {
    category: 'oil', temperatureClass: 'ambient', shelfLifeDays: 540, unit: 'bottle', essential: true, demandShare: 0.03,
    products: [
      ['花生油', 'Peanut oil', 7990, 5000, 5500], ['大豆油', 'Soybean oil', 5490, 5000, 5500], ['菜籽油', 'Rapeseed oil', 5990, 5000, 5500],
      ['玉米油', 'Corn oil', 6490, 5000, 5500], ['橄榄油', 'Olive oil', 8990, 1000, 1100], ['香油', 'Sesame oil', 1990, 400, 450],
    ],
    variants: SIZE_VARIANTS.slice(0, 6),
  },
  {
    category: 'noodles', temperatureClass: 'ambient', shelfLifeDays: 365, unit: 'pack', essential: true, demandShare: 0.05,
    products: [
      ['挂面', 'Dried noodles', 690, 1000, 1300], ['方便面', 'Instant noodles (5)', 1290, 500, 2500], ['手擀面', 'Hand-rolled noodles', 890, 500, 700],
      ['意大利面', 'Spaghetti', 1290, 500, 700], ['米粉', 'Rice noodles', 990, 500, 800], ['荞麦面', 'Buckwheat noodles', 1190, 500, 700],
    ],
    variants: SIZE_VARIANTS,
  },
  {
    category: 'frozen', temperatureClass: 'frozen', shelfLifeDays: 180, unit: 'bag', essential: true, demandShare: 0.06,
    products: [
      ['猪肉水饺', 'Pork dumplings', 2290, 1000, 1500], ['汤圆', 'Glutinous rice balls', 1290, 500, 800], ['速冻馄饨', 'Frozen wontons', 1590, 500, 800],
      ['冻鸡腿', 'Frozen drumsticks', 2590, 1000, 1300], ['包子', 'Steamed buns', 1490, 600, 1200], ['冻虾', 'Frozen shrimp', 4990, 500, 800],
      ['手抓饼', 'Scallion pancakes', 1990, 900, 1500], ['冰淇淋', 'Ice cream', 1590, 400, 700],
    ],
    variants: SIZE_VARIANTS.slice(0, 6),
  },
  {
    category: 'tofu', temperatureClass: 'chilled', shelfLifeDays: 5, unit: 'box', essential: true, demandShare: 0.03,
    products: [['北豆腐', 'Firm tofu', 390, 400, 500], ['内酯豆腐', 'Silken tofu', 290, 350, 450], ['豆腐干', 'Dried tofu', 590, 300, 400], ['腐竹', 'Tofu skin', 990, 250, 600]],
    variants: SIZE_VARIANTS.slice(0, 4),
  },
  {
    category: 'bakery', temperatureClass: 'ambient', shelfLifeDays: 5, unit: 'pack', essential: false, demandShare: 0.03,
    products: [['吐司', 'Toast bread', 990, 400, 2000], ['馒头', 'Mantou', 790, 600, 1500], ['花卷', 'Flower rolls', 890, 600, 1500], ['蛋糕', 'Sponge cake', 1590, 300, 1200], ['饼干', 'Crackers', 1290, 300, 1000]],
    variants: SIZE_VARIANTS,
  },
  {
    category: 'condiments', temperatureClass: 'ambient', shelfLifeDays: 720, unit: 'bottle', essential: true, demandShare: 0.04,
    products: [
      ['生抽', 'Light soy sauce', 1290, 500, 550], ['老抽', 'Dark soy sauce', 1290, 500, 550], ['醋', 'Vinegar', 990, 500, 550],
      ['食盐', 'Salt', 290, 400, 350], ['白糖', 'Sugar', 690, 500, 500], ['蚝油', 'Oyster sauce', 1190, 500, 500],
      ['料酒', 'Cooking wine', 890, 500, 550], ['豆瓣酱', 'Doubanjiang', 1290, 500, 500], ['黄豆酱', 'Soybean paste', 990, 500, 500],
      ['鸡精', 'Chicken bouillon', 1190, 200, 300],
    ],
    variants: SIZE_VARIANTS.slice(0, 6),
  },
  {
    category: 'beverages', temperatureClass: 'ambient', shelfLifeDays: 365, unit: 'bottle', essential: false, demandShare: 0.04,
    products: [
      ['矿泉水', 'Mineral water', 290, 550, 600], ['桶装水', 'Bottled water 5L', 1290, 5000, 5500], ['绿茶饮料', 'Green tea drink', 350, 500, 550],
      ['可乐', 'Cola', 350, 500, 550], ['橙汁', 'Orange juice', 1290, 1000, 1100], ['啤酒', 'Beer', 690, 500, 550],
    ],
    variants: SIZE_VARIANTS,
  },
  {
    category: 'snacks', temperatureClass: 'ambient', shelfLifeDays: 270, unit: 'pack', essential: false, demandShare: 0.03,
    products: [['薯片', 'Potato chips', 890, 100, 1200], ['坚果', 'Mixed nuts', 3990, 500, 1000], ['巧克力', 'Chocolate', 1590, 200, 300], ['瓜子', 'Sunflower seeds', 1290, 500, 900], ['牛肉干', 'Beef jerky', 3590, 200, 400]],
    variants: SIZE_VARIANTS,
  },
  {
    category: 'household', temperatureClass: 'ambient', shelfLifeDays: 1825, unit: 'pack', essential: true, demandShare: 0.03,
    products: [
      ['卷纸', 'Toilet paper', 3990, 2000, 12000], ['抽纸', 'Tissues', 2490, 1000, 6000], ['洗衣液', 'Laundry liquid', 3990, 3000, 3200],
      ['洗洁精', 'Dish soap', 1290, 1000, 1100], ['垃圾袋', 'Bin bags', 990, 300, 800], ['消毒液', 'Disinfectant', 1990, 1000, 1100],
      ['口罩', 'Face masks (50)', 2990, 300, 2000], ['酒精湿巾', 'Alcohol wipes', 1290, 300, 800], ['洗手液', 'Hand soap', 1590, 500, 600],
    ],
    variants: SIZE_VARIANTS,
  },
  {
    category: 'baby', temperatureClass: 'ambient', shelfLifeDays: 540, unit: 'pack', essential: true, demandShare: 0.02,
    products: [['婴儿奶粉', 'Infant formula', 29900, 900, 2000], ['纸尿裤', 'Diapers', 12900, 2000, 9000], ['婴儿米粉', 'Baby cereal', 5990, 400, 900], ['婴儿湿巾', 'Baby wipes', 1990, 500, 900]],
    variants: SIZE_VARIANTS.slice(0, 5),
  },
  {
    category: 'medicine', temperatureClass: 'ambient', shelfLifeDays: 730, unit: 'box', essential: false, demandShare: 0.01,
    products: [['退烧贴', 'Fever patches', 2590, 100, 300], ['体温计', 'Thermometer', 3990, 100, 200], ['维生素C', 'Vitamin C', 2990, 100, 200]],
    variants: SIZE_VARIANTS.slice(0, 4),
  },
];

/** Key essentials: the staples the seed's chain stocked at 10x (rice, flour, oil, eggs, milk, vegetables basics). */
const KEY_PRODUCTS = new Set(['Northeast rice', 'All-purpose flour', 'Peanut oil', 'Soybean oil', 'Eggs 30', 'Eggs 10', 'Fresh milk', 'UHT milk', 'Napa cabbage', 'Potato', 'Tomato', 'Minced pork', 'Instant noodles (5)', 'Dried noodles', 'Pork dumplings', 'Toilet paper', 'Infant formula', 'Salt', 'Onion', 'Carrot']);

/**
 * Generates `brandsPerProduct` brands of every product × variant. The item id is
 * `<CAT3>-<product#>-<variant#>-<brand#>`. Tiers: products in essential categories
 * are `essential` for the plain and family variants, `key` for the KEY_PRODUCTS'
 * plain variant of brand 1; everything else is `none`.
 */
export function generateCatalogue(brandsPerProduct = 3): ItemInput[] {
  const brands: Array<[string, string]> = [['京品', 'Jingpin'], ['北农', 'Beinong'], ['优鲜', 'Youxian'], ['家乐', 'Jiale'], ['田园', 'Tianyuan']];
  const items: ItemInput[] = [];
  for (const t of CATEGORY_TEMPLATES) {
    const cat = t.category.slice(0, 3).toUpperCase();
    t.products.forEach(([zh, en, priceFen, weightG, volumeCm3], p) => {
      t.variants.forEach(([vzh, ven, priceFactor, sizeFactor], v) => {
        for (let b = 0; b < brandsPerProduct; b++) {
          const [bzh, ben] = brands[b % brands.length];
          let tier: EssentialTier = 'none';
          if (t.essential && v <= 1) tier = 'essential';
          if (KEY_PRODUCTS.has(en) && v === 0 && b === 0) tier = 'key';
          items.push({
            id: `${cat}-${String(p + 1).padStart(2, '0')}-${v + 1}-${b + 1}`,
            nameZh: `${bzh}${vzh}${zh}`,
            nameEn: [ben, ven, en].filter(Boolean).join(' '),
            category: t.category,
            unit: t.unit,
            temperatureClass: t.temperatureClass,
            shelfLifeDays: t.shelfLifeDays,
            packSize: t.unit === 'bottle' || t.unit === 'box' ? 6 : 10,
            weightG: Math.round(weightG * sizeFactor),
            volumeCm3: Math.round(volumeCm3 * sizeFactor),
            priceFen: Math.round((priceFen * priceFactor * (1 + 0.08 * b)) / 10) * 10,
            essentialTier: tier,
          });
        }
      });
    });
  }
  return items;
}

/**
 * Baseline demand: node `totalUnitsPerDay` units a day split by category share,
 * then within a category by a Zipf-like popularity (rank r gets weight 1/r^0.9 over a
 * seeded shuffle), times a seeded ±30% noise, rounded. Items rounding to 0 are left
 * out, except essential and key items, which get at least 1.
 */
export function generateBaselineDemand(
  nodeId: string,
  totalUnitsPerDay: number,
  items: ItemInput[],
  random: Random,
): DemandInput[] {
  const byCategory = new Map<string, ItemInput[]>();
  for (const it of items) {
    const list = byCategory.get(it.category) ?? [];
    list.push(it);
    byCategory.set(it.category, list);
  }
  const out: DemandInput[] = [];
  for (const t of CATEGORY_TEMPLATES) {
    const list = (byCategory.get(t.category) ?? []).slice();
    if (list.length === 0) continue;
    // Seeded Fisher-Yates shuffle gives the popularity order.
    for (let i = list.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [list[i], list[j]] = [list[j], list[i]];
    }
    // Key and essential items are the popular ones: move them to the front.
    list.sort((a, b) => tierRank(b.essentialTier ?? 'none') - tierRank(a.essentialTier ?? 'none'));
    const weights = list.map((_, r) => 1 / Math.pow(r + 1, 0.9));
    const sum = weights.reduce((a, b) => a + b, 0);
    const categoryUnits = totalUnitsPerDay * t.demandShare;
    list.forEach((it, r) => {
      const noise = 0.7 + 0.6 * random.next();
      let q = Math.round((categoryUnits * weights[r] * noise) / sum);
      if (q === 0 && (it.essentialTier ?? 'none') !== 'none') q = 1;
      if (q > 0) out.push({ nodeId, itemId: it.id, dailyQuantity: q });
    });
  }
  return out;
}

function tierRank(t: EssentialTier): number {
  return t === 'key' ? 2 : t === 'essential' ? 1 : 0;
}
